package dev.offshoot.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The project's licence is Apache-2.0, stated once in LICENSE and repeated where tools look for it:
 * the service image's OCI label, the pom, the OpenAPI document. Images of other software the scripts
 * build (Debian's PostgreSQL, a jlink'd OpenJDK) carry their own contents' licence.
 */
class LicenseTest {

    @Test
    void licenseFileIsTheApacheLicenseTwo() throws IOException {
        String license = Files.readString(Path.of("LICENSE"));
        assertThat(license).contains("Apache License", "Version 2.0, January 2004",
                "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION");
    }

    @Test
    void serviceImageIsLabelledApacheAndShipsTheLicense() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).contains("org.opencontainers.image.licenses=\"Apache-2.0\"", "COPY LICENSE ");
        assertThat(Files.readString(Path.of(".dockerignore"))).contains("!LICENSE");
    }

    @Test
    void builtBaseImagesNameTheLicenseOfWhatTheyHold() throws IOException {
        assertThat(Files.readString(Path.of("scripts/image/build-pg-image.sh")))
                .contains("org.opencontainers.image.licenses=\"PostgreSQL\"");
        assertThat(Files.readString(Path.of("scripts/image/build-jre-image.sh")))
                .contains("org.opencontainers.image.licenses=\"GPL-2.0-only WITH Classpath-exception-2.0\"");
    }

    @Test
    void pomAndApiDocumentDeclareApache() throws IOException {
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<name>Apache-2.0</name>");
        assertThat(Files.readString(Path.of("openapi.yaml"))).contains("name: Apache-2.0");
    }
}
