package dev.offshoot.branch;

import java.time.Instant;
import java.util.Map;

import dev.offshoot.instance.Endpoint;

/**
 * A branch as the API shows it, with everything needed to connect: as its owner, and as the
 * caller's own reader role (null for branches from before per-branch read-only roles, until their
 * first use or reset).
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
    private static final Endpoint NOT_STARTED = new Endpoint("", 0);

    public record Connection(String host, int port, String database, String user, String password, String uri,
            String jdbcUrl) {
    }

    /**
     * @param advertised where users connect to the branch's instance, null before its first start
     * @param reader     the caller's reader role, with its password where the answer may carry it;
     *                   null where the branch has no readers yet (rows from before per-branch secrets)
     */
    static BranchView of(Branch b, String template, String parentBranch, Endpoint advertised, Boolean created,
            Long diskUsageBytes, Disclosure disclosure, BranchReaders.Reader reader) {
        // a row whose instance was never started yet (a create in progress) has no endpoint to show
        Endpoint host = advertised == null ? NOT_STARTED : advertised;
        String ownerPassword = disclosure == Disclosure.OWNER ? b.password() : null;
        Connection readOnly = reader == null ? null
                : connection(b, host, reader.role(), disclosure == Disclosure.NONE ? null : reader.password());
        return new BranchView(b.id().toString(), b.name(), b.status(), created, template, b.templateRevision(),
                parentBranch, b.labels(), b.createdBy(), b.createdAt(), b.expiresAt(), b.lastActivityAt(),
                b.isProtected(), b.failureReason(), diskUsageBytes, connection(b, host, b.roleName(), ownerPassword),
                readOnly);
    }

    private static Connection connection(Branch b, Endpoint endpoint, String user, String password) {
        return new Connection(endpoint.host(), endpoint.port(), b.databaseName(), user, password,
                endpoint.uri(user, password, b.databaseName()), endpoint.jdbcUrl(b.databaseName()));
    }
}
