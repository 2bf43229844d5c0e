package dev.offshoot.storage;

import static dev.offshoot.branch.BranchTestSupport.count;
import static dev.offshoot.branch.BranchTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.branch.BranchAccess;
import dev.offshoot.branch.BranchTestSupport;
import dev.offshoot.branch.BranchMaintenance;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.Labels;
import tools.jackson.databind.JsonNode;

/**
 * Branches on block-level copy-on-write: a template of about 200 MB, whose branches own only the
 * blocks they write. The driver is forced to reflink, so a host without a reflink-capable storage
 * path fails here loudly (scripts/host/storage-volume.sh gives it one). Run by hand with
 * {@code -Doffshoot.it.storage-driver=overlay} to print overlay's figures for the same table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = "offshoot.storage.driver=${offshoot.it.storage-driver:reflink}")
class ReflinkIT extends IntegrationTest {

    private static final long MB = 1024 * 1024;
    private static final String DRIVER = System.getProperty("offshoot.it.storage-driver", "reflink");

    @LocalServerPort
    int port;

    @Autowired
    BranchMaintenance maintenance;

    @Autowired
    ContainerRuntime runtime;

    @Autowired
    BranchAccess access;

    Api api;
    String template;
    long tableBytes;

    @BeforeAll
    void templateWithA200MbTable() throws Exception {
        api = new Api(port, ADMIN_TOKEN);
        template = "reflink-" + suffix();
        Api.Response created = api.postSql("/api/v1/templates", Map.of("name", template), Map.of("big.sql", """
                CREATE TABLE big (id bigint primary key, payload text);
                INSERT INTO big SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 650000) g;
                """.getBytes()));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        JsonNode probe = branch("probe-" + suffix());
        tableBytes = count(probe, "SELECT pg_relation_size('big')");
        api.delete("/api/v1/branches/" + probe.get("name").asString());
        assertThat(tableBytes).isGreaterThan(180 * MB);
    }

    /**
     * The container is created while the data is copied: a copy that fails (here, the revision's
     * directory is gone) takes the already created container with it, and the create leaves no row.
     */
    @Test
    void aCreateWhoseCopyFailsLeavesNoContainerAndNoBranch() throws Exception {
        Path revision = TestDocker.storagePath().resolve(revisionDataPath(template));
        Path aside = revision.resolveSibling(revision.getFileName() + "-aside");
        String name = "nocopy-" + suffix();
        Api.Response create;
        Files.move(revision, aside);
        try {
            create = api.post("/api/v1/branches", Map.of("name", name, "template", template));
        } finally {
            Files.move(aside, revision);
        }

        assertThat(create.status()).as(String.valueOf(create.body())).isEqualTo(500);
        assertThat(create.code()).isEqualTo("DATA_NOT_FOUND");
        assertThat(TestDocker.containersOf(INSTANCE_ID))
                .noneMatch(c -> name.equals(c.getLabels().get(Labels.BRANCH_NAME)));
        assertThat(api.get("/api/v1/branches/" + name).code()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(count(branch(name), "SELECT count(*) FROM big")).isEqualTo(650_000);
    }

    /**
     * A branch's container is started while its data is still being copied, and its server waits
     * for the copy: held back by the gate file in an otherwise empty directory, it starts once the
     * directory is complete and the gate gone.
     */
    @Test
    void anInstanceOnAGatedDirectoryStartsItsServerOnlyOnceItsCopyIsComplete() throws Exception {
        Assumptions.assumeTrue(DRIVER.equals("reflink"));
        JsonNode revision = api.get("/api/v1/templates/" + template).body().get("revisions").get(0);
        Path dir = instanceDir().resolve("gate-" + suffix());
        Files.createDirectories(dir);
        Files.createFile(dir.resolve(ReflinkDriver.GATE));
        String key = UUID.randomUUID().toString();
        String name = "offshoot-" + INSTANCE_ID + "-gate-" + suffix();
        ContainerSpec spec = new StorageDriver.Mount(revision.get("image").asString(), dir.toString(),
                ReflinkDriver.GATE).keyedInstance(name, key, "/offshoot/pgdata")
                .withLabels(Map.of(Labels.MANAGED, "true", Labels.INSTANCE, INSTANCE_ID, Labels.KIND, Labels.KIND_BUILD));
        CompletableFuture<Void> copied = new CompletableFuture<>();
        CompletableFuture<String> started = CompletableFuture.supplyAsync(() -> runtime.start(spec, copied));
        try {
            String waiting = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> TestDocker
                    .containersOf(INSTANCE_ID).stream().filter(c -> c.getNames()[0].equals("/" + name))
                    .filter(c -> "running".equals(c.getState())).map(c -> c.getId()).findFirst(), Optional::isPresent)
                    .orElseThrow();
            Thread.sleep(1000);
            assertThat(started).as("start waits for the data").isNotDone();
            assertThat(dir.resolve("postmaster.pid")).as("no server on an empty directory").doesNotExist();
            assertThat(TestDocker.exec(waiting, "root", "sh", "-c", "cat /proc/[0-9]*/comm"))
                    .doesNotContain("postgres");

            Commands.reflinkFill(TestDocker.storagePath().resolve(revisionDataPath(template)), dir);
            Files.delete(dir.resolve(ReflinkDriver.GATE));
            copied.complete(null);

            assertThat(started.get(30, TimeUnit.SECONDS)).isEqualTo(waiting);
            String rows = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> TestDocker.exec(waiting,
                    "postgres", "psql", "-X", "-A", "-t", "-d", api.get("/api/v1/templates/" + template).body()
                            .get("database").asString(), "-c", "SELECT count(*) FROM big"), out -> out.contains("650000"));
            assertThat(rows.strip()).isEqualTo("650000");
        } finally {
            copied.complete(null);
            started.handle((id, e) -> id).thenAccept(id -> {
                if (id != null) {
                    runtime.remove(id);
                }
            }).get(60, TimeUnit.SECONDS);
            runtime.release(key);
            TreeDeletion.delete(dir);
        }
    }

    @Test
    void healthSaysWhichDriverRunsAndWhy() {
        JsonNode storage = api.get("/actuator/health").body().get("components").get("storage");

        assertThat(storage.get("status").asString()).isEqualTo("UP");
        assertThat(storage.get("details").get("driver").asString()).isEqualTo(DRIVER);
        assertThat(storage.get("details").get("reason").asString()).isNotBlank();
    }

    @Test
    void theFirstUpdateOfOneRowInABigTableAddsFarLessThanTheTable() throws Exception {
        JsonNode branch = branch("write-" + suffix());
        String name = branch.get("name").asString();
        long afterCreate = ownBytes(name);

        double millis;
        try (java.sql.Connection db = BranchTestSupport.connect(branch); java.sql.Statement st = db.createStatement()) {
            long start = System.nanoTime();
            st.execute("UPDATE big SET payload = 'changed' WHERE id = 424242");
            millis = (System.nanoTime() - start) / 1e6;
        }
        checkpoint(name);
        long afterWrite = ownBytes(name);

        System.out.printf("[storage] %s: first UPDATE of one row in a %d MB table took %.0f ms; own disk %.1f MB"
                + " after create, %.1f MB after the update and a checkpoint%n", DRIVER, tableBytes / MB, millis,
                afterCreate / (double) MB, afterWrite / (double) MB);
        if (DRIVER.equals("reflink")) {
            assertThat(afterWrite - afterCreate).as("new bytes of a one-row update").isLessThan(16 * MB);
        }
        assertThat(count(branch, "SELECT count(*) FROM big WHERE payload = 'changed'")).isEqualTo(1);
        api.delete("/api/v1/branches/" + name);
    }

    @Test
    void aBranchOfABranchSeesItsParentsWritesAndItsSnapshotGoesWithIt() throws Exception {
        JsonNode parent = branch("parent-" + suffix());
        sql(parent, "UPDATE big SET payload = 'from parent' WHERE id = 7");
        String childName = "child-" + suffix();

        Api.Response created = api.post("/api/v1/branches", Map.of("name", childName,
                "fromBranch", parent.get("name").asString()));

        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        JsonNode child = created.body();
        assertThat(count(child, "SELECT count(*) FROM big WHERE payload = 'from parent'")).isEqualTo(1);
        sql(child, "UPDATE big SET payload = 'from child' WHERE id = 8");
        assertThat(count(parent, "SELECT count(*) FROM big WHERE payload = 'from child'")).isZero();
        if (DRIVER.equals("reflink")) {
            Path snapshot = instanceDir().resolve("snapshots/" + child.get("id").asString());
            assertThat(snapshot).isDirectory();
            assertThat(ownBytes(childName)).isLessThan(32 * MB);
            api.delete("/api/v1/branches/" + childName);
            assertThat(snapshot).doesNotExist();
        }
        api.delete("/api/v1/branches/" + childName);
        api.delete("/api/v1/branches/" + parent.get("name").asString());
    }

    @Test
    void resetGivesAFreshCopyBehindTheSameConnectionString() throws Exception {
        JsonNode before = branch("reset-" + suffix());
        String name = before.get("name").asString();
        sql(before, "DELETE FROM big WHERE id <= 1000");

        Api.Response reset = api.post("/api/v1/branches/" + name + "/reset", null);

        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.body().get("connection")).isEqualTo(before.get("connection"));
        assertThat(count(reset.body(), "SELECT count(*) FROM big")).isEqualTo(650_000);
        api.delete("/api/v1/branches/" + name);
    }

    @Test
    void deleteLeavesNoDataDirectory() {
        JsonNode branch = branch("del-" + suffix());
        Path dir = instanceDir().resolve("branches/" + branch.get("id").asString());
        if (DRIVER.equals("reflink")) {
            assertThat(dir).isDirectory();
        }

        assertThat(api.delete("/api/v1/branches/" + branch.get("name").asString()).status()).isEqualTo(204);

        assertThat(dir).doesNotExist();
    }

    @Test
    void aNameWithDotDotOrSlashCannotPlaceDataOutsideTheStorageRoot() throws Exception {
        for (String hostile : List.of("../../escape", "a/../../escape", "..", "%2e%2e%2fescape")) {
            assertThat(api.post("/api/v1/branches", Map.of("name", hostile, "template", template)).status())
                    .as(hostile).isEqualTo(400);
            assertThat(api.post("/api/v1/templates", Map.of("name", hostile)).status()).as(hostile).isEqualTo(400);
        }
        String name = "named-" + suffix();
        JsonNode branch = branch(name);

        // directories are named by the ids Offshoot generated, never by what the caller chose
        // root/INSTANCE/{templates,branches,snapshots}/ID: deeper lies PGDATA, which Postgres changes meanwhile
        try (Stream<Path> all = Files.walk(TestDocker.storagePath(), 3)) {
            assertThat(all).noneMatch(p -> p.getFileName().toString().contains(name)
                    || p.getFileName().toString().contains("escape"));
        }
        assertThat(TestDocker.storagePath().resolveSibling("escape")).doesNotExist();
        if (DRIVER.equals("reflink")) {
            assertThat(instanceDir().resolve("branches/" + branch.get("id").asString())).isDirectory();
        }
        api.delete("/api/v1/branches/" + name);
    }

    @Test
    void aMigrationCheckRunsOnAReflinkCopyWithNoDockerCommit() throws Exception {
        JsonNode target = branch("check-" + suffix());
        String name = target.get("name").asString();
        java.time.Instant since = java.time.Instant.now();

        long start = System.nanoTime();
        Api.Response check = api.post("/api/v1/branches/" + name + "/migrations/check", Map.of("migrations", List.of(
                Map.of("name", "V1__tags.sql", "sql", "CREATE TABLE tags (id int primary key, label text);"),
                Map.of("name", "V2__big_tag.sql", "sql", "ALTER TABLE big ADD COLUMN tag_id int;"))));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(check.status()).as(String.valueOf(check.body())).isEqualTo(200);
        System.out.printf("[storage] %s: two-statement migration check on a branch of the %d MB table: %d ms%n",
                DRIVER, tableBytes / MB, millis);
        List<String> commits = commitsSince(since);
        if (DRIVER.equals("reflink")) {
            assertThat(commits).as("docker commits during the check").isEmpty();
        } else {
            assertThat(commits).as("the overlay throwaway is a commit").isNotEmpty();
        }
        assertThat(count(target, "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 'tags'")).isZero();
        api.delete("/api/v1/branches/" + name);
    }

    /**
     * A migration check's throwaway is never reset, so a branch of a branch made for it is one copy
     * of the running source straight into its own directory: no snapshot directory, and the
     * source's uncommitted-to-disk writes are there (the copy follows a checkpoint).
     */
    @Test
    void aThrowawayBranchOfABranchIsOneCopyOfTheSourceAndKeepsNoSnapshot() throws Exception {
        Assumptions.assumeTrue(DRIVER.equals("reflink"));
        JsonNode source = branch("tsrc-" + suffix());
        sql(source, "INSERT INTO big VALUES (-1, 'only in the source')");

        String throwaway = CurrentPrincipal.runAsSystem(() -> access.throwawayOfBranch(source.get("name").asString(),
                "test"));
        try {
            String id = api.get("/api/v1/branches/" + throwaway).body().get("id").asString();
            assertThat(instanceDir().resolve("branches/" + id).resolve("PG_VERSION")).exists();
            assertThat(instanceDir().resolve("branches/" + id).resolve(ReflinkDriver.GATE)).doesNotExist();
            assertThat(instanceDir().resolve("snapshots/" + id)).doesNotExist();
            assertThat(TestDocker.exec(containerOf(throwaway), "postgres", "psql", "-X", "-A", "-t", "-d",
                    api.get("/api/v1/templates/" + template).body().get("database").asString(), "-c",
                    "SELECT payload FROM big WHERE id = -1").strip()).isEqualTo("only in the source");
        } finally {
            CurrentPrincipal.runAsSystem(() -> {
                access.deleteThrowaway(throwaway);
                return null;
            });
            api.delete("/api/v1/branches/" + source.get("name").asString());
        }
    }

    /** Containers of this run the engine committed to an image since then (its event log). */
    private static List<String> commitsSince(java.time.Instant since) throws InterruptedException {
        List<String> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.time.Instant until = java.time.Instant.now();
        TestDocker.client().eventsCmd().withEventTypeFilter(com.github.dockerjava.api.model.EventType.CONTAINER)
                .withEventFilter("commit").withLabelFilter(Map.of(Labels.INSTANCE, INSTANCE_ID))
                .withSince(String.valueOf(since.getEpochSecond())).withUntil(String.valueOf(until.getEpochSecond() + 1))
                .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Event>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Event event) {
                        ids.add(event.getId());
                    }
                }).awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS);
        return ids;
    }

    @Test
    void aVanishedContainerIsRecreatedOnTheDataItHad() throws Exception {
        JsonNode branch = branch("vanish-" + suffix());
        String name = branch.get("name").asString();
        sql(branch, "UPDATE big SET payload = 'kept' WHERE id = 99");
        checkpoint(name);
        TestDocker.client().removeContainerCmd(containerOf(name)).withForce(true).exec();
        BranchMaintenance.BranchRecord seen = maintenance.live().stream().filter(b -> b.name().equals(name))
                .findFirst().orElseThrow();

        assertThat(maintenance.recreate(seen, "container removed by the test")).isTrue();

        // reflink keeps the branch's directory; overlay's data went with the container's layer
        assertThat(count(branch, "SELECT count(*) FROM big WHERE payload = 'kept'"))
                .isEqualTo(DRIVER.equals("reflink") ? 1 : 0);
        api.delete("/api/v1/branches/" + name);
    }

    @Test
    void anOrphanDataDirectoryIsRemovedLikeAnOrphanContainer() throws Exception {
        Path orphan = Files.createDirectories(instanceDir().resolve("branches/" + UUID.randomUUID()));
        Files.writeString(orphan.resolve("PG_VERSION"), "15\n");

        maintenance.removeOrphanData();

        assertThat(orphan).doesNotExist();
    }

    private JsonNode branch(String name) {
        Api.Response created = api.post("/api/v1/branches", Map.of("name", name, "template", template));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        return created.body();
    }

    private long ownBytes(String name) {
        return api.get("/api/v1/branches/" + name).body().get("diskUsageBytes").asLong();
    }

    /** Writes the updated page to the data files (the owner may not CHECKPOINT; the local socket may). */
    private void checkpoint(String name) {
        assertThat(TestDocker.exec(containerOf(name), "postgres", "psql", "-X", "-c", "CHECKPOINT"))
                .contains("CHECKPOINT");
    }

    private static String containerOf(String branch) {
        return TestDocker.containersOf(INSTANCE_ID).stream()
                .filter(c -> branch.equals(c.getLabels().get(Labels.BRANCH_NAME))).findFirst().orElseThrow().getId();
    }

    private static Path instanceDir() {
        return TestDocker.storagePath().resolve(INSTANCE_ID);
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
