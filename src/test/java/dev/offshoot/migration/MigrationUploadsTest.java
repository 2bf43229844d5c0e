package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.offshoot.error.OffshootException;

class MigrationUploadsTest {

    record Bytes(String name, byte[] content) implements MigrationUploads.Part {
        @Override
        public InputStream open() {
            return new ByteArrayInputStream(content);
        }
    }

    @Test
    void aZipOfAFolderYieldsItsSqlFilesInFlywayOrder() throws Exception {
        Map<String, byte[]> files = new TreeMap<>(Map.of("V2__b.sql", "SELECT 2".getBytes(), "V10__c.sql",
                "SELECT 10".getBytes(), "V1__a.sql", "SELECT 1".getBytes()));

        List<MigrationFile> migrations = new MigrationUploads(1 << 20, 100)
                .fromParts(List.of(new Bytes("m.zip", Archives.zip(files))));

        assertThat(migrations).extracting(MigrationFile::name).containsExactly("V1__a.sql", "V2__b.sql", "V10__c.sql");
        assertThat(migrations.get(2).sql()).isEqualTo("SELECT 10");
    }

    @Test
    void theByteLimitCountsDecompressedContent() throws Exception {
        byte[] zip = Archives.zip(Map.of("V1__big.sql", ("-- " + "x".repeat(100_000)).getBytes()));

        assertThat(zip.length).isLessThan(10_000);
        assertThatThrownBy(() -> new MigrationUploads(50_000, 100).fromParts(List.of(new Bytes("m.zip", zip))))
                .isInstanceOf(OffshootException.class).extracting(e -> ((OffshootException) e).code())
                .isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void aBrokenArchiveOrAnEmptySetIsABadRequest() {
        assertThatThrownBy(() -> new MigrationUploads(1000, 10).fromParts(List.of(new Bytes("m.tar.gz",
                "nope".getBytes())))).extracting(e -> ((OffshootException) e).code()).isEqualTo("INVALID_ARCHIVE");
        assertThatThrownBy(() -> new MigrationUploads(1000, 10).fromJson(List.of()))
                .extracting(e -> ((OffshootException) e).code()).isEqualTo("NO_MIGRATIONS");
        assertThatThrownBy(() -> new MigrationUploads(1000, 10).fromParts(List.of(new Bytes("V1__x.sql",
                new byte[] {(byte) 0xC3, (byte) 0x28})))).extracting(e -> ((OffshootException) e).code())
                .isEqualTo("INVALID_MIGRATION");
    }
}
