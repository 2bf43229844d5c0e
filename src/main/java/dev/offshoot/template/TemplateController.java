package dev.offshoot.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
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
import dev.offshoot.paging.Page;
import dev.offshoot.paging.PageRequest;
import dev.offshoot.paging.Positions;

@RestController
@PreAuthorize(Scopes.READ)
@RequestMapping("/api/v1/templates")
class TemplateController {

    private final TemplateService service;

    TemplateController(TemplateService service) {
        this.service = service;
    }

    /**
     * JSON body: an empty template, or one imported from {@code sourceUrl}, on PostgreSQL
     * {@code postgresVersion} (the default major when absent); {@code idleSuspend} ("5m", "PT1H", "0"
     * for never) is how long its branches may go without a connection before they are suspended.
     */
    record CreateTemplateRequest(String name, String database, String owner, String sourceUrl,
            Integer postgresVersion, String idleSuspend) {
    }

    record RefreshRequest(String sourceUrl) {
    }

    /**
     * PATCH body: the template's settings that can change without a new revision; absent ones stay.
     * {@code idleSuspend} "inherit" drops the template's own (the service's setting applies).
     */
    record UpdateTemplateRequest(Integer poolSize, String idleSuspend) {
    }

    /** A page of templates; {@code nextCursor} only when there is a next page (only ever with {@code limit}). */
    record TemplateList(List<TemplateView> items, @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {
    }

    @PreAuthorize(Scopes.WRITE)
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<TemplateView> create(@RequestBody CreateTemplateRequest request) {
        TemplateSource source = request.sourceUrl() == null || request.sourceUrl().isBlank()
                ? TemplateSource.empty() : TemplateSource.url(request.sourceUrl());
        Template template = service.create(new TemplateService.NewTemplate(request.name(), request.database(),
                request.owner(), request.postgresVersion(),
                request.idleSuspend()), source, List.of(), CurrentPrincipal.get().name());
        return ResponseEntity.status(HttpStatus.CREATED).body(view(template));
    }

    /** Multipart: plain-SQL files in {@code file} parts, applied in the order sent. */
    @PreAuthorize(Scopes.WRITE)
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<TemplateView> createFromSql(@RequestParam(name = "name", required = false) String name,
            @RequestParam(name = "database", required = false) String database,
            @RequestParam(name = "owner", required = false) String owner,
            @RequestParam(name = "postgresVersion", required = false) Integer postgresVersion,
            @RequestParam(name = "idleSuspend", required = false) String idleSuspend,
            @RequestPart(name = "file", required = false) List<MultipartFile> files) {
        return withUploads(files, (source, names) -> ResponseEntity.status(HttpStatus.CREATED).body(view(
                service.create(new TemplateService.NewTemplate(name, database, owner, postgresVersion, idleSuspend),
                        source, names, CurrentPrincipal.get().name()))));
    }

    @GetMapping
    TemplateList list(@RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        Page<TemplateView> page = Page.of(service.list(), t -> Positions.of(t.createdAt(), t.id()),
                new PageRequest(limit, cursor)).map(this::view);
        return new TemplateList(page.items(), page.nextCursor());
    }

    @GetMapping("/{name}")
    TemplateView get(@PathVariable String name) {
        return view(service.get(name));
    }

    @PreAuthorize(Scopes.WRITE)
    @PatchMapping(path = "/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    TemplateView update(@PathVariable String name, @RequestBody UpdateTemplateRequest request) {
        if (request.idleSuspend() == null) {
            return view(service.resizePool(name, request.poolSize()));
        }
        if (request.poolSize() != null) {
            service.resizePool(name, request.poolSize());
        }
        return view(service.suspendIdleAfter(name, request.idleSuspend()));
    }

    @PreAuthorize(Scopes.WRITE)
    @PostMapping(path = "/{name}/refresh", consumes = MediaType.APPLICATION_JSON_VALUE)
    TemplateView refresh(@PathVariable String name, @RequestBody(required = false) RefreshRequest request) {
        TemplateSource source = request == null || request.sourceUrl() == null || request.sourceUrl().isBlank()
                ? null : TemplateSource.url(request.sourceUrl());
        return view(service.refresh(name, source, List.of()));
    }

    @PreAuthorize(Scopes.WRITE)
    @PostMapping(path = "/{name}/refresh", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    TemplateView refreshFromSql(@PathVariable String name,
            @RequestPart(name = "file", required = false) List<MultipartFile> files) {
        service.get(name);
        return withUploads(files, (source, names) -> view(service.refresh(name, source, names)));
    }

    @PreAuthorize(Scopes.WRITE)
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name,
            @RequestParam(name = "force", defaultValue = "false") boolean force) {
        service.delete(name, force);
        return ResponseEntity.noContent().build();
    }

    private TemplateView view(Template template) {
        return service.view(template);
    }

    interface UploadAction<T> {
        T apply(TemplateSource source, List<String> fileNames);
    }

    /** Spools uploads to temp files for the build and removes them afterwards, whatever happens. */
    private static <T> T withUploads(List<MultipartFile> files, UploadAction<T> action) {
        if (files == null || files.isEmpty()) {
            throw OffshootException.invalid("INVALID_SOURCE", "upload at least one SQL file in a 'file' part");
        }
        List<Path> paths = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (MultipartFile file : files) {
                Path path = Files.createTempFile("offshoot-upload-", ".sql");
                paths.add(path);
                file.transferTo(path);
                names.add(file.getOriginalFilename() == null ? "upload.sql" : Path.of(file.getOriginalFilename())
                        .getFileName().toString());
            }
            return action.apply(TemplateSource.sql(paths), names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            paths.forEach(p -> p.toFile().delete());
        }
    }
}
