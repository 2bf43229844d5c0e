package dev.offshoot.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;

/**
 * A multipart body is read (and spooled to disk by the servlet container) only by a handler that
 * takes uploads, for a caller allowed to call it, within that handler's limit: everyone else is
 * refused from the request line and headers, and nothing reaches the spool directory.
 */
class MultipartSpoolIT extends IntegrationTest {

    static final Path SPOOL = spoolDirectory();
    static final long SIXTY_MB = 60L * 1024 * 1024;

    @DynamicPropertySource
    static void spoolHere(DynamicPropertyRegistry registry) {
        registry.add("spring.servlet.multipart.location", SPOOL::toString);
    }

    @LocalServerPort
    int port;

    Api admin;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void client() {
        admin = new Api(port, ADMIN_TOKEN);
    }

    @Test
    void anUnsignedSixtyMegabyteUploadToTheWebhookIsRefusedWithoutASpoolFile() {
        Upload upload = upload("/api/v1/webhooks/github", null, SIXTY_MB);

        assertThat(upload.status()).as(upload.body()).isIn(413, 415);
        assertThat(upload.spooledBytes()).as("bytes seen in the spool directory").isZero();
        assertThat(upload.elapsed()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anUploadWithoutATokenToATemplateUploadIsRefusedWithoutASpoolFile() {
        Upload upload = upload("/api/v1/templates", null, SIXTY_MB);

        assertThat(upload.status()).as(upload.body()).isEqualTo(401);
        assertThat(upload.spooledBytes()).isZero();
    }

    @Test
    void aReadTokensUploadToAWriteEndpointIsRefusedBeforeItIsRead() {
        String reader = admin.post("/api/v1/tokens", Map.of("name", "up-" + suffix(), "scopes", List.of("read")))
                .body().get("token").asString();

        Upload upload = upload("/api/v1/templates", reader, SIXTY_MB);

        assertThat(upload.status()).as(upload.body()).isEqualTo(403);
        assertThat(upload.body()).contains("INSUFFICIENT_SCOPE");
        assertThat(upload.spooledBytes()).isZero();
    }

    @Test
    void aMigrationUploadOverItsLimitIsRefusedBeforeItIsRead() {
        Upload upload = upload("/api/v1/branches/none-" + suffix() + "/migrations", ADMIN_TOKEN, SIXTY_MB);

        assertThat(upload.status()).as(upload.body()).isEqualTo(413);
        assertThat(upload.body()).contains("PAYLOAD_TOO_LARGE");
        assertThat(upload.spooledBytes()).isZero();
    }

    @Test
    void aWritersUploadAboveTheDefaultBodyLimitStillBuildsATemplate() {
        StringBuilder sql = new StringBuilder("CREATE TABLE big (id int, note text);\n");
        String note = "x".repeat(1000);
        for (int i = 0; i < 3000; i++) {
            sql.append("INSERT INTO big VALUES (").append(i).append(", '").append(note).append("');\n");
        }
        String name = "big-" + suffix();

        Api.Response created = admin.postSql("/api/v1/templates", Map.of("name", name),
                Map.of("big.sql", sql.toString().getBytes(StandardCharsets.UTF_8)));

        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        admin.delete("/api/v1/templates/" + name + "?force=true");
    }

    record Upload(int status, String body, long spooledBytes, Duration elapsed) {
    }

    /**
     * Posts one multipart file part of {@code size} bytes (announced by Content-Length, sent a little
     * at a time) while watching the spool directory, and reports the most bytes it ever held.
     */
    private Upload upload(String path, String token, long size) {
        AtomicLong most = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                most.accumulateAndGet(spooled(), Math::max);
                pause();
            }
        });
        String boundary = "b" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.sql\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("X-GitHub-Event", "pull_request")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new Paced(head, size, tail)), head.length + size + tail.length));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return new Upload(response.statusCode(), response.body(), finish(done, watcher, most), elapsed);
        } catch (IOException e) {
            // the server may close the connection after its refusal while the client still writes
            throw new UncheckedIOException("no answer (spooled " + finish(done, watcher, most) + " bytes)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long finish(AtomicBoolean done, Thread watcher, AtomicLong most) {
        done.set(true);
        try {
            watcher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Math.max(most.get(), spooled());
    }

    /** Bytes in the spool directory now (files come and go while it is listed). */
    private static long spooled() {
        try (Stream<Path> files = Files.walk(SPOOL)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static Path spoolDirectory() {
        try {
            return Files.createTempDirectory("offshoot-spool-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }

    /** A multipart body generated on the fly, 256 KiB at a time with a short pause between. */
    private static final class Paced extends InputStream {

        private final byte[] head;
        private final long size;
        private final byte[] tail;
        private long position;

        Paced(byte[] head, long size, byte[] tail) {
            this.head = head;
            this.size = size;
            this.tail = tail;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            long total = head.length + size + tail.length;
            if (position >= total) {
                return -1;
            }
            if (position % (256 * 1024) == 0 && position > 0) {
                MultipartSpoolIT.pause();
            }
            int n = (int) Math.min(Math.min(length, total - position), 256 * 1024 - position % (256 * 1024));
            for (int i = 0; i < n; i++) {
                long p = position + i;
                buffer[offset + i] = p < head.length ? head[(int) p]
                        : p < head.length + size ? (byte) 'x' : tail[(int) (p - head.length - size)];
            }
            position += n;
            return n;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
