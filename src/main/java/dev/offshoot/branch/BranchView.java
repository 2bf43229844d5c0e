package dev.offshoot.branch;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.offshoot.config.IdleSuspend;
import dev.offshoot.instance.Endpoint;

/**
 * A branch as the API shows it, with everything needed to connect: as its owner, and as the
 * caller's own reader role (null for branches from before per-branch read-only roles, until their
 * first use or reset). {@code idleSuspend} is how long it may go without a connection before it is
 * suspended (ISO-8601; PT0S: never) and {@code idleSuspendFrom} whose setting that is: {@code branch},
 * {@code template} or {@code service}.
 */
public record BranchView(String id, String name, BranchStatus status, Boolean created, String template,
        int templateRevision, String parentBranch, Map<String, String> labels, String createdBy,
        Instant createdAt, Instant expiresAt, Instant lastActivityAt, boolean protectedBranch,
        String failureReason, Long diskUsageBytes, Connection connection, Connection readOnlyConnection,
        String idleSuspend, String idleSuspendFrom) {

    /** Compatible with callers that do not know the branch's idle suspension. */
    public BranchView(String id, String name, BranchStatus status, Boolean created, String template,
            int templateRevision, String parentBranch, Map<String, String> labels, String createdBy,
            Instant createdAt, Instant expiresAt, Instant lastActivityAt, boolean protectedBranch,
            String failureReason, Long diskUsageBytes, Connection connection, Connection readOnlyConnection) {
        this(id, name, status, created, template, templateRevision, parentBranch, labels, createdBy, createdAt,
                expiresAt, lastActivityAt, protectedBranch, failureReason, diskUsageBytes, connection,
                readOnlyConnection, null, null);
    }

    /**
     * How to connect, through the gateway (or, in the direct form, to the branch's own host port).
     *
     * @param password the role's password; null unless the caller may see it
     * @param uri      libpq connection URI: the gateway's host and port, {@code sslmode} and
     *                 {@code options=endpoint=<branch>}; the password only when {@code password} is set
     * @param jdbcUrl  JDBC URL with the same parameters, without credentials (pass them separately)
     * @param sslMode  the sslmode the URIs carry; null in the direct form (no TLS)
     * @param options  the startup option that names the branch ({@code endpoint=<branch>}), for
     *                 clients set up parameter by parameter (libpq's PGOPTIONS); null in the direct form
     * @param sniHost  {@code <branch>.<domain>}: the host that names the branch by its TLS server
     *                 name, when offshoot.gateway.domain is set; null otherwise
     * @param sniUri   the URI of that form, {@code sslmode=verify-full} (trust the gateway's CA); null
     *                 without a domain
     */
    public record Connection(String host, int port, String database, String user, String password, String uri,
            String jdbcUrl, String sslMode, String options, String sniHost, String sniUri) {

        /** A connection through this entrance, its URIs built from the parts. */
        static Connection of(Entrance entrance, String database, String user, String password) {
            Endpoint at = entrance.endpoint();
            Map<String, String> parameters = new LinkedHashMap<>();
            if (entrance.sslMode() != null) {
                parameters.put("sslmode", entrance.sslMode());
            }
            if (entrance.options() != null) {
                parameters.put("options", entrance.options());
            }
            String sniUri = entrance.sniHost() == null ? null : new Endpoint(entrance.sniHost(), at.port())
                    .uri(user, password, database, Map.of("sslmode", "verify-full"));
            return new Connection(at.host(), at.port(), database, user, password,
                    at.uri(user, password, database, parameters), at.jdbcUrl(database, parameters), entrance.sslMode(),
                    entrance.options(), entrance.sniHost(), sniUri);
        }

        /** The same connection without its password (and URIs without it). */
        public Connection withoutPassword() {
            return of(new Entrance(new Endpoint(host, port), sslMode, options, sniHost), database, user, null);
        }

        @Override
        public String toString() {
            return "Connection[" + host + ":" + port + "/" + database + ", user=" + user + "]";
        }
    }

    /**
     * Where users connect to a branch: the gateway's host and port and what names the branch there,
     * or (the direct form) the branch's own host port, with nothing else.
     */
    record Entrance(Endpoint endpoint, String sslMode, String options, String sniHost) {

        static Entrance direct(Endpoint endpoint) {
            return new Entrance(endpoint, null, null, null);
        }
    }

    /**
     * @param entrance where users connect to the branch
     * @param reader   the caller's reader role, with its password where the answer may carry it;
     *                 null where the branch has no readers yet (rows from before per-branch secrets)
     * @param idle     the idle suspension that applies to it
     */
    static BranchView of(Branch b, String template, String parentBranch, Entrance entrance, Boolean created,
            Long diskUsageBytes, Disclosure disclosure, BranchReaders.Reader reader, IdleSuspend.Effective idle) {
        String ownerPassword = disclosure == Disclosure.OWNER ? b.password() : null;
        Connection readOnly = reader == null ? null : Connection.of(entrance, b.databaseName(), reader.role(),
                disclosure == Disclosure.NONE ? null : reader.password());
        return new BranchView(b.id().toString(), b.name(), b.status(), created, template, b.templateRevision(),
                parentBranch, b.labels(), b.createdBy(), b.createdAt(), b.expiresAt(), b.lastActivityAt(),
                b.isProtected(), b.failureReason(), diskUsageBytes,
                Connection.of(entrance, b.databaseName(), b.roleName(), ownerPassword), readOnly, idle.iso(),
                idle.from().label());
    }
}
