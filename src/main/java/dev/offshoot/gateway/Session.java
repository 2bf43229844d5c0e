package dev.offshoot.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * What the gateway knows about one client connection before it is routed: where it comes from
 * (the PROXY protocol's source when a load balancer sends one), whether it speaks TLS, and the
 * server name it asked for. Kept as an attribute of the client's channel; touched on its event loop only.
 */
final class Session {

    private static final AttributeKey<Session> KEY = AttributeKey.valueOf("offshoot.gateway.session");

    /** How TLS came about: not at all, after an SSLRequest, or straight away (direct TLS, ALPN required). */
    enum Tls { NONE, NEGOTIATED, DIRECT }

    private InetSocketAddress client;
    private Tls tls = Tls.NONE;
    private String serverName;
    private boolean counted;

    static Session of(Channel channel) {
        Session session = channel.attr(KEY).get();
        if (session == null) {
            session = new Session();
            session.client = channel.remoteAddress() instanceof InetSocketAddress address ? address : null;
            channel.attr(KEY).set(session);
        }
        return session;
    }

    InetSocketAddress client() {
        return client;
    }

    InetAddress clientAddress() {
        return client == null ? null : client.getAddress();
    }

    /** The client's address as a load balancer's PROXY header gives it. */
    void proxiedFrom(InetSocketAddress source) {
        this.client = source;
    }

    boolean loopback() {
        InetAddress address = clientAddress();
        return address != null && address.isLoopbackAddress();
    }

    Tls tls() {
        return tls;
    }

    boolean encrypted() {
        return tls != Tls.NONE;
    }

    void tls(Tls tls) {
        this.tls = tls;
    }

    /** The TLS server name (SNI) the client asked for, lower case; null without one. */
    String serverName() {
        return serverName;
    }

    void serverName(String serverName) {
        this.serverName = serverName == null ? null : serverName.toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether this connection holds a slot of its client address (released when it closes). */
    boolean counted() {
        return counted;
    }

    void counted(boolean counted) {
        this.counted = counted;
    }
}
