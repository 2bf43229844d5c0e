package dev.offshoot.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.postgresql.core.Utils;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.postgres.BranchRoles;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerRuntime.ExecResult;
import dev.offshoot.runtime.ContainerRuntime.ImageRef;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.Labels;
import dev.offshoot.runtime.PostgresReadiness;

/**
 * Builds one template revision: a build container from the base image, the source loaded into it,
 * a clean shutdown, and a commit to an image whose PGDATA lies outside every VOLUME path.
 * Whatever happens, the build container is removed; on failure no image is left either.
 */
@Component
class TemplateBuilder {

    private static final Logger log = LoggerFactory.getLogger(TemplateBuilder.class);
    private static final String LOAD_DIR = "/tmp";

    private final ContainerRuntime runtime;
    private final RuntimeProperties properties;

    TemplateBuilder(ContainerRuntime runtime, RuntimeProperties properties) {
        this.runtime = runtime;
        this.properties = properties;
    }

    TemplateRevision build(Template template, int revision, TemplateSource source, List<String> fileNames) {
        String name = "offshoot-" + properties.instanceId() + "-build-" + template.name() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        String containerId = runtime.start(new ContainerSpec(name, properties.baseImage(),
                Map.of("POSTGRES_PASSWORD", template.superuserPassword(), "PGDATA", properties.pgdata(),
                        "POSTGRES_INITDB_ARGS", properties.initdbArgs()),
                labels(template, revision, Labels.KIND_BUILD), properties.bindAddress(), 0, Map.of(), false,
                List.of()));
        ImageRef image = imageRef(template, revision);
        boolean committed = false;
        try {
            long databaseSize = load(template, containerId, source);
            long exitCode = runtime.stop(containerId, properties.stopTimeout());
            if (exitCode != 0) {
                throw new TemplateBuildException("Postgres did not shut down cleanly (exit code " + exitCode + ")",
                        runtime.logTail(containerId, 20));
            }
            // the superuser password must not stay readable in the image's configuration
            String imageId = runtime.commit(containerId, image, labels(template, revision, Labels.KIND_TEMPLATE_IMAGE),
                    List.of("POSTGRES_PASSWORD="));
            committed = true;
            long imageSize = runtime.inspectImage(imageId).map(ContainerRuntime.ImageInfo::sizeBytes).orElse(0L);
            log.info("built template {} revision {} as {} ({} bytes of data)", template.name(), revision, image,
                    databaseSize);
            return new TemplateRevision(revision, image.toString(), imageId, imageSize, databaseSize,
                    source.describe(fileNames), Instant.now());
        } catch (RuntimeException e) {
            if (committed) {
                runtime.removeImage(image.toString());
            }
            throw e;
        } finally {
            runtime.remove(containerId);
        }
    }

    /**
     * Turns a running container of this template (a branch that had migrations applied) into
     * the next revision: a freeze as for any build, its passwords made unusable again, a clean
     * shutdown and a commit. The container is left stopped; its owner removes it.
     *
     * @param superuserPassword the running branch's own superuser password
     */
    TemplateRevision commitRunning(Template template, int revision, String containerId, String superuserPassword,
            String source) {
        int port = runtime.publishedPort(containerId);
        String url = "jdbc:postgresql://" + properties.connectHost() + ":" + port + "/" + template.databaseName();
        try (Connection db = PostgresConnections.superuser(url, superuserPassword)) {
            freeze(db);
            long databaseSize = databaseSize(db, template.databaseName());
            seal(db, template);
            long exitCode = runtime.stop(containerId, properties.stopTimeout());
            if (exitCode != 0) {
                throw new TemplateBuildException("Postgres did not shut down cleanly (exit code " + exitCode + ")",
                        runtime.logTail(containerId, 20));
            }
            ImageRef image = imageRef(template, revision);
            String imageId = runtime.commit(containerId, image, labels(template, revision,
                    Labels.KIND_TEMPLATE_IMAGE), List.of());
            long imageSize = runtime.inspectImage(imageId).map(ContainerRuntime.ImageInfo::sizeBytes).orElse(0L);
            log.info("template {} revision {} committed from a migrated branch as {}", template.name(), revision, image);
            return new TemplateRevision(revision, image.toString(), imageId, imageSize, databaseSize, source,
                    Instant.now());
        } catch (SQLException e) {
            throw new TemplateBuildException("preparing the new revision failed: " + e.getMessage(),
                    runtime.logTail(containerId, 20));
        }
    }

    private long load(Template template, String containerId, TemplateSource source) {
        int port = runtime.publishedPort(containerId);
        String jdbcUrl = "jdbc:postgresql://" + properties.connectHost() + ":" + port + "/postgres";
        try (Connection admin = PostgresReadiness.connect(runtime, containerId, jdbcUrl, "postgres",
                template.superuserPassword(), properties.readyTimeout())) {
            createOwnerAndDatabase(admin, template);
            switch (source.type()) {
                case EMPTY -> { }
                case SQL -> loadSqlFiles(template, containerId, source.sqlFiles());
                case URL -> importFromUrl(template, port, source.url());
            }
            try (Connection db = PostgresConnections.superuser(jdbcUrl.substring(0, jdbcUrl.lastIndexOf('/') + 1)
                    + template.databaseName(), template.superuserPassword())) {
                freeze(db);
            }
            long databaseSize = databaseSize(admin, template.databaseName());
            seal(admin, template);
            return databaseSize;
        } catch (SQLException e) {
            throw new TemplateBuildException("preparing the template database failed: " + e.getMessage(),
                    runtime.logTail(containerId, 20));
        }
    }

    private static void createOwnerAndDatabase(Connection admin, Template template) throws SQLException {
        char[] unusable = UUID.randomUUID().toString().toCharArray();
        try (Statement st = admin.createStatement()) {
            st.execute("CREATE ROLE " + quoteIdent(template.ownerRole()) + " LOGIN");
            // branches set their own password for this role; the template's stays unknown
            st.execute(PasswordUtil.genAlterUserPasswordSQL(template.ownerRole(), unusable, "scram-sha-256"));
            st.execute("CREATE DATABASE " + quoteIdent(template.databaseName()) + " OWNER "
                    + quoteIdent(template.ownerRole()));
            for (String statement : BranchRoles.readOnlyRole(template.databaseName())) {
                st.execute(statement);
            }
        }
    }

    /**
     * Leaves the image without a usable password: the owner's is random and forgotten, the
     * read-only role and the superuser have none. Each branch gets its own at launch, through the
     * container's local socket (see branch/BranchCredentials), so no secret is shared by branches.
     */
    private static void seal(Connection admin, Template template) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute(BranchRoles.password(template.ownerRole(), UUID.randomUUID().toString()));
            st.execute(BranchRoles.noPassword(BranchRoles.READ_ONLY_ROLE));
            st.execute(BranchRoles.noPassword(PostgresConnections.SUPERUSER));
        }
    }

    private void loadSqlFiles(Template template, String containerId, List<Path> files) {
        List<String> loaded = new ArrayList<>();
        try {
            for (int i = 0; i < files.size(); i++) {
                Path filtered = Files.createTempFile("offshoot-load-", ".sql");
                try {
                    SqlOwnerFilter.copyWithoutOwnerStatements(files.get(i), filtered);
                    runtime.copyInto(containerId, filtered, LOAD_DIR);
                    String inContainer = LOAD_DIR + "/" + filtered.getFileName();
                    ExecResult result = runtime.exec(containerId, List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                            "-U", template.ownerRole(), "-d", template.databaseName(), "-f", inContainer),
                            properties.importTimeout());
                    runtime.exec(containerId, List.of("rm", "-f", inContainer), properties.stopTimeout());
                    if (!result.succeeded()) {
                        throw new TemplateSourceException("loading SQL file #" + (i + 1) + " failed after "
                                + loaded.size() + " file(s) loaded: " + result.output().strip());
                    }
                    loaded.add(files.get(i).getFileName().toString());
                } finally {
                    Files.deleteIfExists(filtered);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void importFromUrl(Template template, int targetPort, String url) {
        // pg_dump | pg_restore in a helper container on the host network; URLs travel in env, not argv
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SOURCE_URL", url);
        env.put("PGHOST", properties.connectHost());
        env.put("PGPORT", String.valueOf(targetPort));
        env.put("PGUSER", "postgres");
        env.put("PGPASSWORD", template.superuserPassword());
        env.put("PGDATABASE", template.databaseName());
        env.put("OWNER_ROLE", template.ownerRole());
        String script = "set -o pipefail; pg_dump --format=custom --no-owner --no-acl \"$SOURCE_URL\""
                + " | pg_restore --no-owner --no-acl --exit-on-error --role=\"$OWNER_ROLE\" --dbname=\"$PGDATABASE\"";
        ExecResult result = runtime.runJob(new ContainerRuntime.JobSpec(properties.effectiveToolsImage(),
                List.of("bash", "-c", script), env, labels(template, 0, Labels.KIND_JOB)), properties.importTimeout());
        if (!result.succeeded()) {
            throw new TemplateSourceException("importing from " + ConnectionUris.maskPassword(url)
                    + " failed: " + result.output().strip());
        }
    }

    /**
     * Sets hint bits and the visibility map once in the template: otherwise every branch's first
     * read of freshly loaded rows would rewrite those pages and copy whole relation files into
     * its own layer.
     */
    private static void freeze(Connection db) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute("VACUUM (FREEZE, ANALYZE)");
        }
    }

    private static long databaseSize(Connection admin, String database) throws SQLException {
        try (var ps = admin.prepareStatement("SELECT pg_catalog.pg_database_size(?)")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private ImageRef imageRef(Template template, int revision) {
        return new ImageRef("offshoot/template-" + properties.instanceId() + "-" + template.name(), "r" + revision);
    }

    private Map<String, String> labels(Template template, int revision, String kind) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED, "true");
        labels.put(Labels.INSTANCE, properties.instanceId());
        labels.put(Labels.KIND, kind);
        labels.put(Labels.TEMPLATE, template.name());
        labels.put(Labels.REVISION, String.valueOf(revision));
        return labels;
    }

    static String quoteIdent(String identifier) {
        try {
            return Utils.escapeIdentifier(null, identifier).toString();
        } catch (SQLException e) {
            throw new IllegalArgumentException("invalid identifier", e);
        }
    }
}
