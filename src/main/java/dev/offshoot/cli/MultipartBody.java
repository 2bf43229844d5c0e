package dev.offshoot.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** A multipart/form-data body (RFC 7578) of text fields and files, built in memory. */
final class MultipartBody {

    private final String boundary = "offshoot-" + UUID.randomUUID();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    MultipartBody field(String name, String value) {
        if (value != null) {
            part("form-data; name=\"" + name + "\"", null, value.getBytes(StandardCharsets.UTF_8));
        }
        return this;
    }

    MultipartBody file(String name, Path file) throws IOException {
        String filename = file.getFileName().toString().replace("\"", "").replace("\r", "").replace("\n", "");
        part("form-data; name=\"" + name + "\"; filename=\"" + filename + "\"", "application/sql", Files.readAllBytes(file));
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    byte[] bytes() {
        ByteArrayOutputStream done = new ByteArrayOutputStream();
        done.writeBytes(body.toByteArray());
        done.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return done.toByteArray();
    }

    private void part(String disposition, String contentType, byte[] content) {
        StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                .append("Content-Disposition: ").append(disposition).append("\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        body.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
}
