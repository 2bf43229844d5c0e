package dev.offshoot.migration;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;

/**
 * Turns what a request carries into migration files, within a byte budget counted after
 * decompression: a JSON list, uploaded .sql files, or a zip / tar.gz of a migrations folder.
 * Archives may hold other files (README, LICENSE): only *.sql entries are migrations.
 */
final class MigrationUploads {

    /** One uploaded part: its file name and a way to read it. */
    interface Part {
        String name();

        InputStream open() throws IOException;
    }

    record JsonMigration(String name, String sql) {
    }

    private final long maxBytes;
    private final int maxFiles;
    private final Map<String, String> files = new LinkedHashMap<>();
    private long bytes;

    MigrationUploads(long maxBytes, int maxFiles) {
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    List<MigrationFile> fromJson(List<JsonMigration> migrations) {
        if (migrations == null || migrations.isEmpty()) {
            throw OffshootException.invalid("NO_MIGRATIONS", "send at least one migration: {\"migrations\": [{\"name\","
                    + " \"sql\"}]}");
        }
        for (JsonMigration m : migrations) {
            if (m == null || m.sql() == null) {
                throw OffshootException.invalid("INVALID_MIGRATION", "every migration needs a name and its sql");
            }
            add(m.name(), m.sql().getBytes(StandardCharsets.UTF_8));
        }
        return MigrationFile.ordered(files);
    }

    List<MigrationFile> fromParts(List<? extends Part> parts) {
        if (parts == null || parts.isEmpty()) {
            throw OffshootException.invalid("NO_MIGRATIONS", "upload .sql files, a .zip or a .tar.gz in 'file' parts");
        }
        try {
            for (Part part : parts) {
                String name = baseName(part.name());
                String lower = name.toLowerCase(Locale.ROOT);
                try (InputStream in = part.open()) {
                    if (lower.endsWith(".zip")) {
                        unzip(in);
                    } else if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) {
                        untar(new GZIPInputStream(in));
                    } else {
                        add(name, read(in));
                    }
                }
            }
        } catch (ZipException e) {
            throw OffshootException.invalid("INVALID_ARCHIVE", "the archive cannot be read: " + e.getMessage());
        } catch (IOException e) {
            throw OffshootException.invalid("INVALID_ARCHIVE", "the upload cannot be read: " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw OffshootException.invalid("NO_MIGRATIONS", "the upload holds no .sql migration");
        }
        return MigrationFile.ordered(files);
    }

    private void unzip(InputStream in) throws IOException {
        ZipInputStream zip = new ZipInputStream(in);
        ZipEntry entry;
        boolean any = false;
        while ((entry = zip.getNextEntry()) != null) {
            any = true;
            if (!entry.isDirectory() && isSql(entry.getName())) {
                add(baseName(entry.getName()), read(zip));
            }
        }
        if (!any) {
            throw OffshootException.invalid("INVALID_ARCHIVE", "the zip archive is empty or not a zip file");
        }
    }

    /** ustar / GNU tar: 512-byte headers, each followed by its content padded to 512 bytes. */
    private void untar(InputStream in) throws IOException {
        byte[] header = new byte[512];
        while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
            String name = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            long size = parseOctal(header, 124, 12);
            char type = (char) header[156];
            byte[] content = readLimited(in, size);
            in.skipNBytes((512 - size % 512) % 512);
            String path = prefix.isEmpty() ? name : prefix + "/" + name;
            if ((type == '0' || type == 0) && isSql(path) && !baseName(path).startsWith("._")) {
                add(baseName(path), content);
            }
        }
    }

    private byte[] read(InputStream in) throws IOException {
        return readLimited(in, Long.MAX_VALUE);
    }

    /** Reads up to size bytes (all when Long.MAX_VALUE), stopping as soon as the budget is exceeded. */
    private byte[] readLimited(InputStream in, long size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long remaining = size;
        int n;
        while (remaining > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining))) > 0) {
            remaining -= n;
            out.write(buffer, 0, n);
            if (bytes + out.size() > maxBytes) {
                throw tooLarge();
            }
        }
        if (size != Long.MAX_VALUE && remaining > 0) {
            throw new IOException("truncated tar entry");
        }
        return out.toByteArray();
    }

    private void add(String name, byte[] content) {
        bytes += content.length;
        if (bytes > maxBytes) {
            throw tooLarge();
        }
        if (files.size() >= maxFiles) {
            throw new OffshootException(Kind.TOO_LARGE, "PAYLOAD_TOO_LARGE", "at most " + maxFiles
                    + " migration files per request");
        }
        if (files.putIfAbsent(name == null ? "" : name, utf8(name, content)) != null) {
            throw OffshootException.invalid("INVALID_MIGRATION_NAME", "migration '" + name + "' is sent twice");
        }
    }

    private static String utf8(String name, byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw OffshootException.invalid("INVALID_MIGRATION", "migration '" + name + "' is not UTF-8 text");
        }
    }

    private OffshootException tooLarge() {
        return new OffshootException(Kind.TOO_LARGE, "PAYLOAD_TOO_LARGE", "the migrations exceed the limit"
                + " of " + maxBytes + " bytes (offshoot.migration.max-payload-bytes), counted after decompression");
    }

    private static boolean isSql(String path) {
        return path.toLowerCase(Locale.ROOT).endsWith(".sql");
    }

    private static String baseName(String path) {
        if (path == null) {
            return null;
        }
        String p = path.replace('\\', '/');
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long parseOctal(byte[] header, int offset, int length) throws IOException {
        String text = field(header, offset, length).trim();
        try {
            return text.isEmpty() ? 0 : Long.parseLong(text, 8);
        } catch (NumberFormatException e) {
            throw new IOException("not a tar archive");
        }
    }
}
