package dev.offshoot.branch;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** A branch as the API shows it, with everything needed to connect. */
public record BranchView(String id, String name, BranchStatus status, Boolean created, String template,
        int templateRevision, String parentBranch, Map<String, String> labels, String createdBy,
        Instant createdAt, Instant expiresAt, Instant lastActivityAt, boolean protectedBranch,
        String failureReason, Long diskUsageBytes, Connection connection) {

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
        String hostPort = host + ":" + b.port();
        String password = disclosure == Disclosure.OWNER ? b.password() : null;
        Connection connection = new Connection(host, b.port(), b.databaseName(), b.roleName(), password,
                "postgresql://" + enc(b.roleName()) + (password == null ? "" : ":" + enc(password)) + "@" + hostPort
                        + "/" + enc(b.databaseName()),
                "jdbc:postgresql://" + hostPort + "/" + b.databaseName());
        return new BranchView(b.id().toString(), b.name(), b.status(), created, template, b.templateRevision(),
                parentBranch, b.labels(), b.createdBy(), b.createdAt(), b.expiresAt(), b.lastActivityAt(),
                b.isProtected(), b.failureReason(), diskUsageBytes, connection);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
