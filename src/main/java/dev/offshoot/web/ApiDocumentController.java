package dev.offshoot.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.offshoot.error.OffshootException;

/**
 * The REST contract this build implements: the repository's {@code openapi.yaml}, copied into the jar
 * at build time (the pom's copy-api-document step), for any authenticated caller. It holds no secret.
 */
@RestController
class ApiDocumentController {

    static final String DOCUMENT = "api/openapi.yaml";
    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

    private final byte[] document;

    ApiDocumentController() {
        ClassPathResource resource = new ClassPathResource(DOCUMENT);
        if (!resource.exists()) {
            document = null;
            return;
        }
        try (InputStream in = resource.getInputStream()) {
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GetMapping(path = "/api/v1/openapi.yaml", produces = "application/yaml")
    ResponseEntity<byte[]> document() {
        if (document == null) {
            throw OffshootException.notFound("API_DOCUMENT_MISSING", "this build has no " + DOCUMENT
                    + " (built without Maven's resources phase)");
        }
        return ResponseEntity.ok().contentType(YAML).body(document);
    }
}
