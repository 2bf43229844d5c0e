package dev.offshoot.branch;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.postgres.BranchRoles;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.runtime.ContainerFailedException;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerRuntime.ExecResult;
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

    private static final String SQL_VARIABLE = "OFFSHOOT_CREDENTIALS_SQL";
    private static final Duration FAST_POLL = Duration.ofMillis(10);
    private static final Pattern VERIFIER = Pattern.compile("SCRAM-SHA-256\\$[^'\\s]*");

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
     * caller then goes through {@link #applyOnceUp}.
     */
    boolean applyWithSealedPassword(String containerId, String jdbcUrl, String sealedPassword, List<String> sql) {
        Optional<Connection> admin = PostgresReadiness.awaitAnswering(runtime, containerId, jdbcUrl,
                PostgresConnections.SUPERUSER, sealedPassword, properties.readyTimeout(), FAST_POLL);
        if (admin.isEmpty()) {
            return false;
        }
        try (Connection db = admin.get(); Statement st = db.createStatement()) {
            st.execute(String.join(";\n", sql));
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
                    + masked(local.output()).strip() + "; template password: " + e.getMessage() + ")",
                    runtime.logTail(instance, 20), e);
        }
    }

    /**
     * The SQL that sets the branch's credentials. Each SCRAM verifier costs a PBKDF2 of 4096
     * rounds (about 12 ms on 2 cores), so a launch computes them while the container starts.
     */
    static List<String> statements(Branch branch, Template template) {
        List<String> sql = new ArrayList<>();
        sql.add("SET search_path = pg_catalog");
        sql.add(BranchRoles.password(PostgresConnections.SUPERUSER, branch.superuserPassword()));
        sql.add(BranchRoles.password(branch.roleName(), branch.password()));
        sql.addAll(BranchRoles.readOnlyRole(template.databaseName()));
        sql.add(BranchRoles.password(BranchRoles.READ_ONLY_ROLE, branch.readonlyPassword()));
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
        return output == null ? "" : VERIFIER.matcher(output).replaceAll("SCRAM-SHA-256\\$***");
    }

}
