package dev.offshoot.template;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.postgresql.core.Utils;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.offshoot.config.PostgresProperties;
import dev.offshoot.postgres.BranchRoles;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.provision.Build;
import dev.offshoot.provision.Builds;
import dev.offshoot.provision.Instance;
import dev.offshoot.provision.TemplateBuildException;

/**
 * Builds one template revision: a build container from the base image on the active storage
 * driver's new revision data, the source loaded into it, a clean shutdown, and the driver's capture
 * (overlay: a commit to an image whose PGDATA lies outside every VOLUME path; reflink: the data
 * directory itself). Whatever happens, the build container is removed; on failure no data is left.
 */
@Component
class TemplateBuilder {

    private static final Logger log = LoggerFactory.getLogger(TemplateBuilder.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Builds builds;
    private final SqlFileLoader sqlLoader;
    private final SourceImport sourceImport;
    private final PostgresProperties postgres;

    TemplateBuilder(Builds builds, SqlFileLoader sqlLoader, SourceImport sourceImport, PostgresProperties postgres) {
        this.builds = builds;
        this.postgres = postgres;
        this.sqlLoader = sqlLoader;
        this.sourceImport = sourceImport;
    }

    /** Loads a source into a running build as the template's owner. */
    private interface Loader {
        void load(Build build, String ownerPassword);
    }

    TemplateRevision build(Template template, int revision, TemplateSource source, List<String> fileNames) {
        String image = postgres.image(template.postgresVersion());
        Loader loader = loader(template, source, fileNames);
        // the superuser's password is good for this build only: the build ends by replacing it with
        // the revision's bootstrap secret (seal)
        String buildSuperuser = secret();
        String bootstrapSecret = secret();
        try (Build build = builds.start(template.name(), template.id(), revision, image,
                buildSuperuser)) {
            long databaseSize = load(template, build, loader, buildSuperuser, bootstrapSecret);
            build.stopCleanly();
            Build.CapturedRevision captured = build.capture();
            log.info("built template {} revision {} with the {} driver ({} bytes of data)", template.name(), revision,
                    captured.data().driver(), databaseSize);
            return revision(revision, captured, databaseSize, source.describe(fileNames), bootstrapSecret);
        }
    }

    private static TemplateRevision revision(int revision, Build.CapturedRevision captured, long databaseSize,
            String source, String bootstrapSecret) {
        return new TemplateRevision(revision, captured.data().image(), captured.dataId(), captured.sizeBytes(),
                databaseSize, source, Instant.now(), captured.data().driver(), captured.data().path(),
                bootstrapSecret);
    }

    /**
     * Turns a running instance of this template (a branch that had migrations applied) into the
     * next revision: a freeze as for any build, its passwords made unusable again, a clean shutdown
     * and a capture by the storage driver that holds its data (a commit, or a reflink copy). The
     * instance is left stopped; its owner removes it.
     *
     * @param superuserPassword the running branch's own superuser password
     */
    TemplateRevision commitRunning(Template template, int revision, Instance instance, String superuserPassword,
            String source) {
        try (Build build = builds.adopt(instance, template.name(), template.id(), revision)) {
            try (Connection db = PostgresConnections.superuser(build.jdbcUrl(template.databaseName()),
                    superuserPassword)) {
                queryStats(db, template);
                grantReaders(db, template);
                freeze(db);
                long databaseSize = databaseSize(db, template.databaseName());
                String bootstrapSecret = secret();
                seal(db, template, bootstrapSecret);
                build.stopCleanly();
                Build.CapturedRevision captured = build.capture();
                log.info("template {} revision {} captured from a migrated branch ({} driver)", template.name(),
                        revision, captured.data().driver());
                return revision(revision, captured, databaseSize, source, bootstrapSecret);
            } catch (SQLException e) {
                throw new TemplateBuildException("preparing the new revision failed: " + e.getMessage(),
                        build.logTail());
            }
        }
    }

    /**
     * What loads the source, decided before any container starts: refusals that need no container
     * (psql meta-commands, a URL that is malformed or leads where imports may not go) come first,
     * so a refused source leaves nothing behind, and a URL's host is resolved and checked once.
     */
    private Loader loader(Template template, TemplateSource source, List<String> fileNames) {
        return switch (source.type()) {
            case EMPTY -> (build, ownerPassword) -> { };
            case SQL -> {
                SqlFileLoader.refuseMetaCommands(source.sqlFiles(), fileNames);
                yield (build, ownerPassword) -> sqlLoader.load(build, template, source.sqlFiles(), fileNames,
                        ownerPassword);
            }
            case URL -> {
                CheckedSource checked = sourceImport.check(source.url());
                yield (build, ownerPassword) -> sourceImport.load(checked, build, template.databaseName(),
                        template.ownerRole(), ownerPassword);
            }
        };
    }

    private long load(Template template, Build build, Loader loader, String superuserPassword,
            String bootstrapSecret) {
        try (Connection admin = build.awaitLogin("postgres", "postgres", superuserPassword)) {
            ClientAuthentication.lockDown(admin);
            // the owner's password is good for this build only; branches set their own
            String buildPassword = secret();
            createOwnerAndDatabase(admin, template, buildPassword);
            loader.load(build, buildPassword);
            try (Connection db = PostgresConnections.superuser(build.jdbcUrl(template.databaseName()),
                    superuserPassword)) {
                queryStats(db, template);
                grantReaders(db, template);
                freeze(db);
            }
            long databaseSize = databaseSize(admin, template.databaseName());
            seal(admin, template, bootstrapSecret);
            return databaseSize;
        } catch (SQLException e) {
            throw new TemplateBuildException("preparing the template database failed: " + e.getMessage(),
                    build.logTail());
        }
    }

    private static void createOwnerAndDatabase(Connection admin, Template template, String password)
            throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("CREATE ROLE " + quoteIdent(template.ownerRole()) + " LOGIN");
            setPassword(admin, template.ownerRole(), password);
            st.execute("CREATE DATABASE " + quoteIdent(template.databaseName()) + " OWNER "
                    + quoteIdent(template.ownerRole()));
            for (String statement : BranchRoles.readerRoles()) {
                st.execute(statement);
            }
        }
    }

    /**
     * What readers may read in the template's database, run in a session on it once its source is
     * loaded (or its migrations ran): grants on its schemas and default privileges for what its
     * owner creates later (see {@link BranchRoles#readerGrants}).
     */
    private static void grantReaders(Connection db, Template template) throws SQLException {
        try (Statement st = db.createStatement()) {
            for (String statement : BranchRoles.readerGrants(template.databaseName(), template.ownerRole())) {
                st.execute(statement);
            }
        }
    }

    /**
     * Leaves the data without a password anybody but Offshoot knows: the owner's is random and
     * forgotten, the read-only role has none, and the superuser's is the revision's bootstrap
     * secret, which is never handed out. Each branch gets its own passwords at launch (see
     * branch/BranchCredentials), before its connection string is handed out, so no secret a user
     * holds is shared by branches. The readers are made sure of here (a revision from migrations
     * ran its owner's SQL), so that a launch only sets passwords; the reader roles of tokens that a
     * branch turned into a revision had are kept (a migration may name them) but locked out.
     */
    private static void seal(Connection admin, Template template, String bootstrapSecret) throws SQLException {
        try (Statement st = admin.createStatement()) {
            for (String statement : BranchRoles.readerRoles()) {
                st.execute(statement);
            }
            st.execute(BranchRoles.lockOutTokenReaders());
            st.execute(BranchRoles.password(template.ownerRole(), UUID.randomUUID().toString()));
            st.execute(BranchRoles.noPassword(BranchRoles.READ_ONLY_ROLE));
            st.execute(BranchRoles.randomSecretPassword(PostgresConnections.SUPERUSER, bootstrapSecret));
        }
    }

    private static void setPassword(Connection admin, String role, String password) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute(PasswordUtil.genAlterUserPasswordSQL(role, password.toCharArray(), "scram-sha-256"));
        }
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Creates pg_stat_statements in the template's database (branch servers preload its library),
     * in {@code public}, for query tuning (a URL import leaves a source's own out: only a superuser
     * may create it). Without a
     * {@code public} schema, or should the creation fail, the template has none and its branches
     * answer QUERY_STATS_UNAVAILABLE for their statistics: the build goes on.
     */
    private static void queryStats(Connection db, Template template) {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension"
                        + " WHERE extname = 'pg_stat_statements'), EXISTS (SELECT 1 FROM pg_catalog.pg_namespace"
                        + " WHERE nspname = 'public')")) {
            rs.next();
            if (!rs.getBoolean(1) && rs.getBoolean(2)) {
                st.execute("CREATE EXTENSION pg_stat_statements SCHEMA public");
            }
        } catch (SQLException e) {
            log.warn("template {}: pg_stat_statements not created, its branches have no statement statistics: {}",
                    template.name(), e.getMessage());
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


    static String quoteIdent(String identifier) {
        try {
            return Utils.escapeIdentifier(null, identifier).toString();
        } catch (SQLException e) {
            throw new IllegalArgumentException("invalid identifier", e);
        }
    }
}
