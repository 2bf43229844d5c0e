package dev.offshoot.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * scripts/image/build-pg-image.sh names its image after the PostgreSQL package version Debian publishes,
 * so a new version is a new tag that the next run builds. Only {@code --print-tag} runs here: no
 * test builds the image (about 100 s), and none moves {@code offshoot/postgres:15-local}.
 */
class BaseImageScriptIT {

    /** Any image of the script will do as the cached one; the tests' base image is there. */
    static final String BASE_IMAGE = System.getenv().getOrDefault("OFFSHOOT_BASE_IMAGE", "offshoot/postgres:15-local");
    static final Pattern TAG = Pattern.compile("offshoot/postgres:15-[0-9a-f]{12}");
    static final Pattern LOOKED_UP = Pattern.compile("postgresql-15 (\\S+): (offshoot/postgres:15-[0-9a-f]{12})");

    @Test
    void aNewPostgresPackageVersionIsANewTag() throws Exception {
        Result current = printTag(Map.of("OFFSHOOT_PG_PACKAGE_VERSION", "15.20-0+deb12u1"));
        Result again = printTag(Map.of("OFFSHOOT_PG_PACKAGE_VERSION", "15.20-0+deb12u1"));
        Result securityRelease = printTag(Map.of("OFFSHOOT_PG_PACKAGE_VERSION", "15.21-0+deb12u1"));

        assertThat(current.exit()).as(current.log()).isZero();
        assertThat(current.tag()).matches(TAG);
        assertThat(again.tag()).isEqualTo(current.tag());
        assertThat(securityRelease.tag()).matches(TAG).isNotEqualTo(current.tag());
    }

    @Test
    void theTagFollowsTheVersionTheDebianIndexNamesNow() throws Exception {
        Result looked = printTag(Map.of());
        Matcher named = LOOKED_UP.matcher(looked.log());

        assertThat(looked.exit()).as(looked.log()).isZero();
        assertThat(named.find()).as(looked.log()).isTrue();
        assertThat(named.group(1)).as("the index's postgresql-15 version").startsWith("15.");
        assertThat(named.group(2)).isEqualTo(looked.tag());
        assertThat(printTag(Map.of("OFFSHOOT_PG_PACKAGE_VERSION", named.group(1))).tag()).isEqualTo(looked.tag());
    }

    @Test
    void withoutAReadableIndexTheNewestImageOfTheScriptIsUsed() throws Exception {
        Path emptyCache = Files.createTempDirectory("offshoot-apt-");
        String container = docker("create", BASE_IMAGE, "true").strip();
        String cached = "offshoot-test/pg-cached:" + UUID.randomUUID().toString().substring(0, 8);
        try {
            docker("commit", "--change", "LABEL offshoot.script_hash=" + scriptHash(), container, cached);

            // apt goes through a proxy that refuses every connection: the index cannot be read
            Result offline = printTag(Map.of("OFFSHOOT_APT_CACHE", emptyCache.toString(),
                    "http_proxy", "http://127.0.0.1:9", "https_proxy", "http://127.0.0.1:9"));

            assertThat(offline.exit()).as(offline.log()).isZero();
            assertThat(offline.tag()).isEqualTo(cached);
            assertThat(offline.log()).contains("cannot be read");
        } finally {
            docker("rmi", cached);
            docker("rm", container);
            FileSystemUtils.deleteRecursively(emptyCache);
        }
    }

    @Test
    void theSeventeenImageComesFromTrixieAndAnUnknownMajorIsRefused() throws Exception {
        Result looked = printTag(Map.of(), "--major", "17");
        Matcher named = Pattern.compile("postgresql-17 (\\S+): (offshoot/postgres:17-[0-9a-f]{12})").matcher(looked.log());
        Result sixteen = printTag(Map.of(), "--major", "16");

        assertThat(looked.exit()).as(looked.log()).isZero();
        assertThat(named.find()).as(looked.log()).isTrue();
        assertThat(named.group(1)).as("trixie's postgresql-17 version").startsWith("17.").contains("deb13");
        assertThat(named.group(2)).isEqualTo(looked.tag());
        assertThat(sixteen.exit()).isNotZero();
        assertThat(sixteen.tag()).isEmpty();
        assertThat(sixteen.log()).contains("unsupported major '16'", "15", "17");
    }

    /** The script's own hash of major 15: its text, the entrypoint's, debian-mirror.sh's and the major. */
    private static String scriptHash() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String file : List.of("build-pg-image.sh", "docker-entrypoint.sh", "debian-mirror.sh")) {
            sha.update(Files.readAllBytes(Path.of("scripts/image", file)));
        }
        sha.update("major 15\n".getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }

    private static Result printTag(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "scripts/image/build-pg-image.sh", "--print-tag"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("OFFSHOOT_PG_PACKAGE_VERSION");
        builder.environment().putAll(env);
        Process process = builder.start();
        CompletableFuture<String> log = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String tag = read(process.getInputStream()).strip();
        return new Result(process.waitFor(), tag, log.join());
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = read(process.getInputStream());
        assertThat(process.waitFor()).as("docker " + String.join(" ", args) + ": " + output).isZero();
        return output;
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    record Result(int exit, String tag, String log) {
    }
}
