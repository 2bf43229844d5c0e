package dev.offshoot.migration;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Scopes;
import dev.offshoot.error.OffshootException;

/**
 * Migrations, schema, diff and SQL of a branch. Migration sets arrive as JSON
 * ({@code {"migrations": [{"name", "sql"}]}}) or as multipart {@code file} parts: .sql files, or
 * a .zip / .tar.gz of a migrations folder.
 */
@RestController
@PreAuthorize(Scopes.READ)
@RequestMapping("/api/v1/branches/{name}")
class MigrationController {

    private final MigrationService migrations;
    private final MigrationCheck checks;
    private final SchemaDiffs diffs;
    private final MigrationGate gate;
    private final MigrationApprovals approvals;

    MigrationController(MigrationService migrations, MigrationCheck checks, SchemaDiffs diffs, MigrationGate gate,
            MigrationApprovals approvals) {
        this.migrations = migrations;
        this.checks = checks;
        this.diffs = diffs;
        this.gate = gate;
        this.approvals = approvals;
    }

    /**
     * @param approval an approval id that lets this set through once although it fails the policy (apply only)
     * @param dryRun   apply only: answer the plan and the verdict without applying anything
     */
    record MigrationSet(List<MigrationUploads.JsonMigration> migrations, String approval, Boolean dryRun) {
    }

    /** The set to approve, or only its checksum (as a refused apply reports it). */
    record ApprovalRequest(List<MigrationUploads.JsonMigration> migrations, String checksum) {
    }

    /** @param timeout statement_timeout, e.g. "5s" or "PT5S" */
    record SqlRequest(String sql, Integer maxRows, String timeout, Boolean readOnly) {
    }

    @PreAuthorize(Scopes.WRITE)
    @PostMapping(path = "/migrations", consumes = MediaType.APPLICATION_JSON_VALUE)
    MigrationGate.Result apply(@PathVariable String name, @RequestBody MigrationSet body) {
        return gate.apply(name, json(body), body.approval(), Boolean.TRUE.equals(body.dryRun()), "rest");
    }

    @PreAuthorize(Scopes.WRITE)
    @PostMapping(path = "/migrations", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    MigrationGate.Result applyUpload(@PathVariable String name,
            @RequestPart(name = "file", required = false) List<MultipartFile> files,
            @RequestParam(required = false) String approval, @RequestParam(defaultValue = "false") boolean dryRun) {
        return gate.apply(name, upload(files), approval, dryRun, "rest");
    }

    /**
     * A single-use, expiring approval of one migration set checked on this branch, for a person
     * with the approve scope.
     */
    @PreAuthorize(Scopes.APPROVE)
    @PostMapping(path = "/migrations/approvals", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<MigrationApprovals.Approval> approve(@PathVariable String name,
            @RequestBody ApprovalRequest body) {
        if (body == null || (body.migrations() == null) == (body.checksum() == null)) {
            throw OffshootException.invalid("INVALID_APPROVAL", "send either the migration set {\"migrations\": [...]}"
                    + " or its checksum {\"checksum\": \"...\"} as a refused apply or a check reports it");
        }
        List<MigrationFile> set = body.migrations() == null ? null : migrations.uploads().fromJson(body.migrations());
        String checksum = set == null ? body.checksum().strip().toLowerCase(java.util.Locale.ROOT)
                : MigrationApprovals.checksum(set);
        if (!checksum.matches("[0-9a-f]{64}")) {
            throw OffshootException.invalid("INVALID_APPROVAL", "checksum must be 64 hex digits (SHA-256)");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(approvals.create(name, checksum, set,
                CurrentPrincipal.get().name(), "rest"));
    }

    @GetMapping("/migrations")
    MigrationService.History history(@PathVariable String name) {
        return migrations.history(name);
    }

    @PreAuthorize(Scopes.WRITE)
    @PostMapping(path = "/migrations/check", consumes = MediaType.APPLICATION_JSON_VALUE)
    MigrationCheck.Report check(@PathVariable String name, @RequestBody MigrationSet body) {
        return checks.check(name, json(body));
    }

    @PreAuthorize(Scopes.WRITE)
    @PostMapping(path = "/migrations/check", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    MigrationCheck.Report checkUpload(@PathVariable String name,
            @RequestPart(name = "file", required = false) List<MultipartFile> files) {
        return checks.check(name, upload(files));
    }

    @GetMapping("/schema")
    Schema schema(@PathVariable String name) {
        return migrations.inspect(name);
    }

    /** JSON by default; {@code format=text} answers the readable form alone, for PR comments. */
    @GetMapping("/diff")
    ResponseEntity<?> diff(@PathVariable String name, @RequestParam(required = false) String against,
            @RequestParam(required = false) String template, @RequestParam(required = false) Integer revision,
            @RequestParam(defaultValue = "json") String format) {
        if (!format.equals("json") && !format.equals("text")) {
            throw OffshootException.invalid("BAD_REQUEST", "format must be 'json' or 'text'");
        }
        SchemaDiffs.Result result = diffs.diff(name, blankToNull(against), blankToNull(template), revision);
        return format.equals("text") ? ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(result.text())
                : ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(result);
    }

    @PostMapping(path = "/sql", consumes = MediaType.APPLICATION_JSON_VALUE)
    SqlRunner.Run sql(@PathVariable String name, @RequestBody SqlRequest body) {
        return migrations.sql(name, body.sql(), body.maxRows(), body.timeout(),
                Boolean.TRUE.equals(body.readOnly()));
    }

    private List<MigrationFile> json(MigrationSet body) {
        return migrations.uploads().fromJson(body == null ? null : body.migrations());
    }

    private List<MigrationFile> upload(List<MultipartFile> files) {
        return migrations.uploads().fromParts(parts(files));
    }

    static List<MigrationUploads.Part> parts(List<MultipartFile> files) {
        return files == null ? null : files.stream().<MigrationUploads.Part>map(Upload::new).toList();
    }

    private record Upload(MultipartFile file) implements MigrationUploads.Part {

        @Override
        public String name() {
            return file.getOriginalFilename();
        }

        @Override
        public InputStream open() throws IOException {
            return file.getInputStream();
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
