package dev.offshoot.branch;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import dev.offshoot.postgres.BranchRoles;

/**
 * A branch as the API shows it, with everything needed to connect: as its owner, and as its
 * read-only role (null for branches from before per-branch read-only roles, until their first use or reset).
 */
public record BranchView(String id, String name, BranchStatus status, Boolean created, String template,
        int templateRevision, String parentBranch, Map<String, String> labels, String createdBy,
        Instant createdAt, Instant expiresAt, Instant lastActivityAt, boolean protectedBranch,
        String failureReason, Long diskUsageBytes, Connection connection, Connection readOnlyConnection) {

    /**
     * @param password the owner's password; null unless the caller may write and asked for one branch
     * @param uri      libpq connection URI, with the password only when {@code password} is set
     * @param jdbcUrl  JDBC URL without credentials (pass user and password separately)
     */
    public record Connection(String host, int port, String database, String user, String password, String uri,
            String jdbcUrl) {
    }

    static BranchView of(Branch b, String template, String parentBranch, String host, Boolean created,
            Long diskUsageBytes, Disclosure disclosure) {
        String ownerPassword = disclosure == Disclosure.OWNER ? b.password() : null;
        String readOnlyPassword = disclosure == Disclosure.NONE ? null : b.readonlyPassword();
        // rows from before per-branch secrets have no read-only role until their first use
        Connection readOnly = b.readonlyPassword() == null ? null
                : connection(b, host, BranchRoles.READ_ONLY_ROLE, readOnlyPassword);
        return new BranchView(b.id().toString(), b.name(), b.status(), created, template, b.templateRevision(),
                parentBranch, b.labels(), b.createdBy(), b.createdAt(), b.expiresAt(), b.lastActivityAt(),
                b.isProtected(), b.failureReason(), diskUsageBytes, connection(b, host, b.roleName(), ownerPassword),
                readOnly);
    }

    private static Connection connection(Branch b, String host, String user, String password) {
        String hostPort = host + ":" + b.port();
        return new Connection(host, b.port(), b.databaseName(), user, password,
                "postgresql://" + enc(user) + (password == null ? "" : ":" + enc(password)) + "@" + hostPort + "/"
                        + enc(b.databaseName()),
                "jdbc:postgresql://" + hostPort + "/" + b.databaseName());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
