package dev.offshoot.branch;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.postgres.BranchRoles;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.runtime.ContainerFailedException;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerRuntime.ExecResult;
import dev.offshoot.postgres.LogSecrets;
import dev.offshoot.runtime.PostgresReadiness;
import dev.offshoot.template.Template;

/**
 * Gives a started branch container its own credentials: the superuser's, the owner's and the
 * read-only role's passwords, each as a SCRAM verifier, and the read-only role itself where the
 * template predates it. The fast way in is TCP as the superuser with the password the data was
 * sealed with, which only Offshoot knows: a template revision's bootstrap secret (see
 * template/TemplateBuilder), or for a fork the source's own superuser password. Data sealed
 * without one (revisions from before V12) is entered through psql on the container's local
 * socket as the OS user {@code postgres} (peer authentication; local trust in images built
 * before); that SQL, verifiers only, travels in the environment of one exec (a shell builtin pipes
 * it into psql): never in process arguments, files or the container's configuration. Templates
 * built before per-branch secrets still know their template-wide superuser password: over TCP
 * with it is the last fallback.
 */
@Component
class BranchCredentials {

    private static final Logger log = LoggerFactory.getLogger(BranchCredentials.class);
    private static final String SQL_VARIABLE = "OFFSHOOT_CREDENTIALS_SQL";
    private static final Duration FAST_POLL = Duration.ofMillis(10);
    private static final String UNDEFINED_OBJECT = "42704";

    private final ContainerRuntime runtime;
    private final RuntimeProperties properties;

    BranchCredentials(ContainerRuntime runtime, RuntimeProperties properties) {
        this.runtime = runtime;
        this.properties = properties;
    }

    /**
     * Sets the branch's credentials in a container that is still starting, in one exec that waits
     * (10 ms polls of {@code pg_isready} on the local socket) until the server accepts connections
     * and then runs the SQL: readiness and credentials cost one exec instead of a TCP poll and an
     * exec. False when that did not work (no local way in, a container that died, a timeout): the
     * caller then waits over TCP and uses {@link #apply}, which explains the failure.
     */
    boolean applyOnceUp(String instance, List<String> sql) {
        long polls = Math.max(1, properties.readyTimeout().toMillis() / 10);
        return run(instance, "i=0; until pg_isready -q; do i=$((i+1)); [ $i -ge " + polls
                + " ] && exit 90; sleep 0.01; done; ", sql).succeeded();
    }

    /**
     * Sets the branch's credentials over TCP as the superuser with the password its data was
     * sealed with (a template revision's bootstrap secret, or a fork source's own superuser
     * password), as soon as the starting server takes a login (polled every 10 ms): no exec into
     * the container. False when the server refused that password (data sealed without one): the
     * caller then goes through {@link #applyOnceUp}. Sealed data has its read-only role; should it
     * be missing all the same, it is made in a second try.
     *
     * @param passwords {@link #passwords}
     */
    boolean applyWithSealedPassword(String containerId, String jdbcUrl, String sealedPassword,
            List<String> passwords, Template template) {
        long t0 = System.nanoTime();
        Optional<Connection> admin = PostgresReadiness.awaitAnswering(runtime, containerId, jdbcUrl,
                PostgresConnections.SUPERUSER, sealedPassword, properties.readyTimeout(), FAST_POLL);
        if (admin.isEmpty()) {
            return false;
        }
        long t1 = System.nanoTime();
        try (Connection db = admin.get(); Statement st = db.createStatement()) {
            try {
                st.execute(String.join(";\n", passwords));
            } catch (SQLException e) {
                if (!UNDEFINED_OBJECT.equals(e.getSQLState())) {
                    throw e;
                }
                st.execute(String.join(";\n", withReadOnlyRole(passwords, template)));
            }
            log.debug("logged in with the sealed password after {} ms, credentials set in {} ms",
                    (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            return true;
        } catch (SQLException e) {
            throw new ContainerFailedException("setting the branch's credentials failed: "
                    + masked(e.getMessage()), runtime.logTail(containerId, 20), e);
        }
    }

    /** Sets the branch's credentials in its running container; throws when no way in worked. */
    void apply(String instance, String jdbcUrl, Branch branch, Template template) {
        apply(instance, jdbcUrl, statements(branch, template), template);
    }

    /** {@link #apply(String, String, Branch, Template)} with the statements already computed. */
    void apply(String instance, String jdbcUrl, List<String> sql, Template template) {
        ExecResult local = throughLocalSocket(instance, sql);
        if (local.succeeded()) {
            return;
        }
        try (Connection admin = PostgresConnections.superuser(jdbcUrl, template.superuserPassword());
                Statement st = admin.createStatement()) {
            for (String statement : sql) {
                st.execute(statement);
            }
        } catch (SQLException e) {
            throw new ContainerFailedException("setting the branch's credentials failed (local socket: "
                    + masked(local.output()).strip() + "; template password: " + masked(e.getMessage()) + ")",
                    runtime.logTail(instance, 20), e);
        }
    }

    /**
     * The SQL that sets the branch's three passwords, for data whose readers are set up (sealed by
     * a build, or a fork of a branch that was launched): one transaction of three {@code ALTER
     * ROLE}s. On data from before the readers group it fails with 42704 (undefined object), and
     * the caller goes on with {@link #withReadOnlyRole}.
     */
    static List<String> passwords(Branch branch) {
        return passwords(branch.roleName(), branch.superuserPassword(), branch.password(),
                branch.readonlyPassword());
    }

    /** {@link #passwords(Branch)} for secrets not yet on the row (a warm-pool claim's next ones). */
    static List<String> passwords(String ownerRole, String superuserPassword, String ownerPassword,
            String readonlyPassword) {
        return List.of("SET search_path = pg_catalog",
                BranchRoles.requireReaders(),
                BranchRoles.randomSecretPassword(PostgresConnections.SUPERUSER, superuserPassword),
                BranchRoles.randomSecretPassword(ownerRole, ownerPassword),
                BranchRoles.randomSecretPassword(BranchRoles.READ_ONLY_ROLE, readonlyPassword));
    }

    /** {@link #passwords} and, first, the read-only role where the template predates it. */
    static List<String> statements(Branch branch, Template template) {
        return withReadOnlyRole(passwords(branch), template);
    }

    /** The readers made sure of (created or upgraded where missing), then the passwords. */
    static List<String> withReadOnlyRole(List<String> passwords, Template template) {
        List<String> sql = new ArrayList<>();
        sql.add(passwords.getFirst());
        sql.addAll(BranchRoles.readOnlyRole(template.databaseName(), template.ownerRole()));
        sql.addAll(passwords.subList(1, passwords.size()));
        return sql;
    }

    private ExecResult throughLocalSocket(String instance, List<String> sql) {
        return run(instance, "", sql);
    }

    private ExecResult run(String instance, String before, List<String> sql) {
        try {
            return runtime.exec(instance, List.of("sh", "-c", before + "printf '%s' \"$" + SQL_VARIABLE
                    + "\" | psql -X -q -v ON_ERROR_STOP=1 -U " + PostgresConnections.SUPERUSER + " -d postgres -f -"),
                    new ContainerRuntime.ExecOptions(PostgresConnections.SUPERUSER,
                            Map.of(SQL_VARIABLE, String.join(";\n", sql) + ";\n")),
                    properties.readyTimeout());
        } catch (RuntimeException e) {
            return new ContainerRuntime.ExecResult(-1, String.valueOf(e.getMessage()));
        }
    }

    /** Never let a verifier reach an error message or a log, should psql echo a statement. */
    static String masked(String output) {
        return LogSecrets.masked(output);
    }

}
