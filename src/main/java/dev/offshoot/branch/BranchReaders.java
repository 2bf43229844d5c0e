package dev.offshoot.branch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.offshoot.auth.Principal;
import dev.offshoot.config.ReaderProperties;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;
import dev.offshoot.postgres.BranchRoles;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.provision.Endpoints;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateService;

/**
 * The readers of branches: each token that is shown a branch's read-only connection gets a login
 * role of its own in that branch ({@code offshoot_ro_} and 16 hex digits of its token's id), a
 * member of the readers group with nothing of its own, whose password only that token is shown.
 * A reader who changes its role's password, or its session settings, harms only itself. The
 * password is kept here, per branch and token, so that later answers, resets and recreations keep
 * the same connection string; a copy of the branch (fork, throwaway) has its own readers.
 */
@Component
class BranchReaders {

    private static final Logger log = LoggerFactory.getLogger(BranchReaders.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UNDEFINED_OBJECT = "42704";

    /** A reader's role and, when it may be shown, its password. */
    record Reader(String role, String password) {

        @Override
        public String toString() {
            return "Reader[" + role + "]";
        }
    }

    private final JdbcClient jdbc;
    private final Endpoints endpoints;
    private final BranchRepository branches;
    private final TemplateService templates;
    private final ReaderProperties properties;

    BranchReaders(JdbcClient jdbc, Endpoints endpoints, BranchRepository branches, TemplateService templates,
            ReaderProperties properties) {
        this.jdbc = jdbc;
        this.endpoints = endpoints;
        this.branches = branches;
        this.templates = templates;
        this.properties = properties;
    }

    /** The role a caller reads every branch as: derived from its token, the same on every branch. */
    static String roleName(Principal caller) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(caller.readerKey().getBytes(StandardCharsets.UTF_8));
            return BranchRoles.TOKEN_READER_PREFIX + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<Reader> find(UUID branch, Principal caller) {
        return jdbc.sql("SELECT role_name, password FROM branch_reader WHERE branch_id = ? AND reader = ?")
                .params(branch, caller.readerKey())
                .query((rs, n) -> new Reader(rs.getString(1), rs.getString(2))).optional();
    }

    /**
     * Creates the caller's reader role in a running branch and keeps its password; the caller
     * holds the branch's name lock, so two first answers for one token cannot race. Data from
     * before the readers group is set up first, and the service's own read-only role then gets a
     * new password (its old one was shown to every reader).
     */
    Reader create(Branch branch, Principal caller) {
        Reader reader = new Reader(roleName(caller), newSecret());
        Template template = templates.byId(branch.templateId());
        try (Connection admin = PostgresConnections.superuser(endpoints.jdbcUrl(branch.instanceKey(),
                branch.databaseName()), BranchLauncher.superuserPassword(branch, template));
                Statement st = admin.createStatement()) {
            try {
                st.execute(String.join(";\n", withRequiredGroup(statements(reader))));
            } catch (SQLException e) {
                if (!UNDEFINED_OBJECT.equals(e.getSQLState())) {
                    throw e;
                }
                upgrade(st, branch, template);
                st.execute(String.join(";\n", statements(reader)));
            }
        } catch (SQLException e) {
            throw new OffshootException(Kind.UNAVAILABLE, "BRANCH_UNREACHABLE", "branch '" + branch.name()
                    + "' did not take its reader role: " + BranchCredentials.masked(e.getMessage()), true);
        }
        keep(branch.id(), caller, reader);
        log.info("branch {} ({}): reader role {} created for {}", branch.name(), branch.id(), reader.role(),
                caller.name());
        return reader;
    }

    /**
     * Gives a branch about to be launched (or claimed from the warm pool) a reader for the caller
     * of its create, so that the launch sets that role up in the batch that sets the branch's
     * passwords, and the create's answer needs no login of its own.
     */
    void prepare(UUID branch, Principal caller) {
        keep(branch, caller, new Reader(roleName(caller), newSecret()));
    }

    /** Keeps a reader's password; a reader the branch already has keeps the one it was given. */
    private void keep(UUID branch, Principal caller, Reader reader) {
        jdbc.sql("INSERT INTO branch_reader (branch_id, reader, role_name, password, created_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (branch_id, reader) DO NOTHING")
                .params(branch, caller.readerKey(), reader.role(), reader.password(), Timestamp.from(Instant.now()))
                .update();
    }

    /**
     * For a launch (create, reset, recreation, fork) on data that may carry other branches' readers
     * (a copy keeps its source's): every token's reader role locked out, then this branch's own
     * readers made sure of with their passwords.
     */
    List<String> launchStatements(UUID branch) {
        List<String> sql = new ArrayList<>();
        sql.add(BranchRoles.lockOutTokenReaders());
        for (Reader reader : all(branch)) {
            sql.addAll(statements(reader));
        }
        return sql;
    }

    /** Drops a deleted branch's readers. */
    void forget(UUID branch) {
        jdbc.sql("DELETE FROM branch_reader WHERE branch_id = ?").param(branch).update();
    }

    /** The readers a branch has shown. */
    List<Reader> all(UUID branch) {
        return jdbc.sql("SELECT role_name, password FROM branch_reader WHERE branch_id = ? ORDER BY role_name")
                .param(branch).query((rs, n) -> new Reader(rs.getString(1), rs.getString(2))).list();
    }

    /** Up to {@code limit} live branches that have readers, by id, after {@code after} (null: from the start). */
    List<UUID> branchesWithReaders(UUID after, int limit) {
        return jdbc.sql("SELECT DISTINCT r.branch_id FROM branch_reader r JOIN branch b ON b.id = r.branch_id"
                + " WHERE b.status = 'READY' AND (CAST(? AS uuid) IS NULL OR r.branch_id > ?)"
                + " ORDER BY r.branch_id LIMIT ?")
                .params(after, after, limit).query(UUID.class).list();
    }

    private List<String> statements(Reader reader) {
        return BranchRoles.tokenReader(reader.role(), reader.password(), new BranchRoles.ReaderLimits(
                properties.statementTimeout().toMillis(), properties.idleInTransactionTimeout().toMillis(),
                properties.connectionLimit()));
    }

    private static List<String> withRequiredGroup(List<String> statements) {
        List<String> sql = new ArrayList<>();
        sql.add(BranchRoles.requireReaders());
        sql.addAll(statements);
        return sql;
    }

    private void upgrade(Statement st, Branch branch, Template template) throws SQLException {
        String serviceSecret = newSecret();
        List<String> sql = new ArrayList<>(BranchRoles.readOnlyRole(template.databaseName(), template.ownerRole()));
        sql.add(BranchRoles.randomSecretPassword(BranchRoles.READ_ONLY_ROLE, serviceSecret));
        st.execute(String.join(";\n", sql));
        branch.newReadOnlyPassword(serviceSecret);
        branches.save(branch);
        log.info("branch {} ({}): readers set up on data from before the readers group", branch.name(), branch.id());
    }

    static String newSecret() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
