package dev.offshoot.migration;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import dev.offshoot.auth.Scopes;

/** A template revision made by applying a migration set on top of the template's latest revision. */
@RestController
@PreAuthorize(Scopes.WRITE)
@RequestMapping("/api/v1/templates/{name}/migrations")
class TemplateMigrationController {

    private final TemplateMigrations templates;
    private final MigrationService migrations;

    TemplateMigrationController(TemplateMigrations templates, MigrationService migrations) {
        this.templates = templates;
        this.migrations = migrations;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<TemplateMigrations.NewRevision> apply(@PathVariable String name,
            @RequestBody MigrationController.MigrationSet body) {
        List<MigrationFile> files = migrations.uploads().fromJson(body == null ? null : body.migrations());
        return ResponseEntity.status(HttpStatus.CREATED).body(templates.apply(name, files));
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<TemplateMigrations.NewRevision> applyUpload(@PathVariable String name,
            @RequestPart(name = "file", required = false) List<MultipartFile> files) {
        return ResponseEntity.status(HttpStatus.CREATED).body(templates.apply(name,
                migrations.uploads().fromParts(MigrationController.parts(files))));
    }
}
