package dev.offshoot.migration;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Archives of migration folders as users upload them, with a non-SQL file beside the migrations. */
final class Archives {

    private Archives() {
    }

    static byte[] zip(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("db/migration/README.md"));
            zip.write("not a migration".getBytes());
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                zip.putNextEntry(new ZipEntry("db/migration/" + e.getKey()));
                zip.write(e.getValue());
            }
        }
        return out.toByteArray();
    }
}
