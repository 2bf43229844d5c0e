package dev.offshoot.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The PostgreSQL gateway: one port that speaks the wire protocol for every branch, routes each
 * connection by the branch it names, wakes suspended branches and suspends idle ones.
 *
 * @param enabled                 whether the gateway listens at all (connection strings then point
 *                                at it all the same: turn it off only behind another gateway)
 * @param port                    the port it listens on; 15432 lies below Linux's ephemeral range
 *                                and next to no well-known default (5432 and 6432 belong to a local
 *                                Postgres and PgBouncer); 0 takes a free one (tests)
 * @param bindAddress             the address it listens on (all interfaces: it is the door for
 *                                clients on other machines, and TLS guards it)
 * @param advertisedHost          the host put into connection strings; empty means
 *                                offshoot.runtime.advertised-host, or localhost
 * @param advertisedPort          the port put into connection strings (a load balancer's); 0 means
 *                                the port it listens on
 * @param domain                  wildcard DNS domain: {@code <branch>.<domain>} routes by the TLS
 *                                server name (SNI) and names the server certificate; empty turns the
 *                                SNI form off
 * @param plainText               which clients may connect without TLS: LOOPBACK (default), ANY or
 *                                NONE
 * @param tls                     the server certificate (see {@link Tls})
 * @param proxyProtocol           whether every connection starts with a PROXY protocol header (v1
 *                                or v2) from a load balancer; turn it on only when the port is
 *                                reachable through that load balancer alone, since the header sets
 *                                the client address the limits count by
 * @param passwordPrefix          whether a client that names no branch may do so in its password
 *                                ({@code endpoint=<branch>;<password>}): the gateway then asks for
 *                                the password in clear text (over TLS or on the loopback only) and
 *                                authenticates to the branch with SCRAM itself
 * @param maxStartupPacket        bytes the first packet (a startup message) may take
 * @param handshakeTimeout        how long a client may take from connecting to a complete startup
 *                                message (TLS included, waking excluded) before it is cut
 * @param connectTimeout          how long dialing a running branch may take
 * @param maxConnectionsPerClient connections one client address may hold at once
 * @param maxConnectionsPerBranch connections one branch may be given at once through the gateway
 * @param maxConcurrentWakes      branches being woken at once; more wait for a turn within their
 *                                own wake timeout
 * @param wakeTimeout             how long a client is held while its branch wakes before it is told
 *                                57P03 (cannot connect now)
 * @param idleSuspend             a branch that had no gateway connection for this long (and no other
 *                                client session) is suspended: its server stops, its data stays; 0
 *                                means never
 * @param idleCheckInterval       how often idle branches are looked for
 * @param routeCacheTtl           how long the route of a running branch is kept, so that connecting
 *                                to it again skips the metadata store (a kept route is checked
 *                                against the runtime on every use); 0 asks the store every time
 */
@ConfigurationProperties("offshoot.gateway")
public record GatewayProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("15432") int port,
        @DefaultValue("0.0.0.0") String bindAddress,
        @DefaultValue("") String advertisedHost,
        @DefaultValue("0") int advertisedPort,
        @DefaultValue("") String domain,
        @DefaultValue("LOOPBACK") PlainText plainText,
        @DefaultValue Tls tls,
        @DefaultValue("false") boolean proxyProtocol,
        @DefaultValue("true") boolean passwordPrefix,
        @DefaultValue("8192") int maxStartupPacket,
        @DefaultValue("10s") Duration handshakeTimeout,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("64") int maxConnectionsPerClient,
        @DefaultValue("200") int maxConnectionsPerBranch,
        @DefaultValue("4") int maxConcurrentWakes,
        @DefaultValue("30s") Duration wakeTimeout,
        @DefaultValue("5m") Duration idleSuspend,
        @DefaultValue("30s") Duration idleCheckInterval,
        @DefaultValue("30s") Duration routeCacheTtl) {

    /** Which clients may speak to the gateway without TLS. */
    public enum PlainText { LOOPBACK, ANY, NONE }

    /**
     * The server certificate. With both files set, they are used (PEM; the key PKCS#8, or PKCS#1 /
     * SEC1 read by BouncyCastle) and read again when either changes; otherwise the service makes a
     * certificate authority of its own once (kept in the metadata store, so every replica serves the
     * same) and signs a server certificate for the advertised host and the domain at each start.
     *
     * @param certificateFile PEM certificate chain, server certificate first
     * @param keyFile         PEM private key of that certificate
     * @param reloadInterval  how often the files are checked for a change
     */
    public record Tls(
            @DefaultValue("") String certificateFile,
            @DefaultValue("") String keyFile,
            @DefaultValue("10s") Duration reloadInterval) {

        public boolean fromFiles() {
            return !certificateFile.isBlank() && !keyFile.isBlank();
        }
    }

    /** The domain without a leading dot or trailing dot, lower case; empty when SNI routing is off. */
    public String sniDomain() {
        String d = domain.strip().toLowerCase(java.util.Locale.ROOT);
        while (d.startsWith(".")) {
            d = d.substring(1);
        }
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }

    /** The host connection strings name: the gateway's own setting, else the runtime's advertised host. */
    public String advertisedHost(RuntimeProperties runtime) {
        return advertisedHost.isBlank() ? runtime.publicHost() : advertisedHost;
    }

    public boolean suspendsIdle() {
        return !idleSuspend.isZero();
    }
}
