package dev.offshoot.gateway;

import java.io.File;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.offshoot.config.GatewayProperties;

/**
 * The gateway's server certificate as a Netty {@link SslContext}: from the operator's files (read
 * again when they change: {@link #reloadIfChanged}) or signed by the gateway's own
 * {@link CertificateAuthority} for the advertised host, the SNI domain's wildcard and the loopback
 * names. One context serves every server name; SNI only tells the router which branch is meant.
 * TLS 1.2 and 1.3, ALPN "postgresql" offered to clients that ask (direct TLS must), on BoringSSL
 * where netty-tcnative's native library loads (a handshake costs a fraction of the JDK's), else on
 * the JDK's TLS.
 */
final class GatewayTls {

    private static final Logger log = LoggerFactory.getLogger(GatewayTls.class);
    /** Longest ClientHello read for its server name; real ones are well under 2 KB. */
    private static final int MAX_CLIENT_HELLO = 16 * 1024;

    private final GatewayProperties properties;
    private final CertificateAuthority authority;
    private volatile SslContext context;
    private volatile String filesVersion = "";

    private GatewayTls(GatewayProperties properties, CertificateAuthority authority) {
        this.properties = properties;
        this.authority = authority;
    }

    /** TLS from the operator's certificate and key files. */
    static GatewayTls fromFiles(GatewayProperties properties) {
        GatewayTls tls = new GatewayTls(properties, null);
        if (!tls.reloadIfChanged()) {
            throw new IllegalStateException("offshoot.gateway.tls: the certificate or key file cannot be read");
        }
        return tls;
    }

    /** TLS from a server certificate the authority signs now for these host names. */
    static GatewayTls signedBy(GatewayProperties properties, CertificateAuthority authority, String advertisedHost) {
        GatewayTls tls = new GatewayTls(properties, authority);
        CertificateAuthority.Issued issued = authority.issue(dnsNames(advertisedHost, properties.sniDomain()),
                addresses(advertisedHost));
        tls.context = build(SslContextBuilder.forServer(issued.key(), issued.certificate(), authority.certificate()));
        return tls;
    }

    /** The CA clients verify the gateway with, PEM; null when the operator's certificate is served. */
    String authorityPem() {
        return authority == null ? null : authority.certificatePem();
    }

    /** A handler for one client's TLS: it reads the server name, then does the handshake. */
    ChannelHandler newHandler(Channel channel) {
        SslContext current = context;
        return new SniHandler(host -> current, MAX_CLIENT_HELLO, properties.handshakeTimeout().toMillis());
    }

    /**
     * Reads the operator's files again when their size or modification time changed; a pair that
     * cannot be read leaves the current certificate in place. True when a context is loaded.
     */
    boolean reloadIfChanged() {
        if (authority != null) {
            return true;
        }
        File cert = new File(properties.tls().certificateFile());
        File key = new File(properties.tls().keyFile());
        String version = cert.lastModified() + ":" + cert.length() + ":" + key.lastModified() + ":" + key.length();
        if (version.equals(filesVersion)) {
            return context != null;
        }
        try {
            context = build(SslContextBuilder.forServer(cert, key));
            filesVersion = version;
            log.info("gateway TLS certificate loaded from {}", cert);
            return true;
        } catch (RuntimeException e) {
            log.warn("gateway TLS certificate {} not loaded ({}); keeping the one in use", cert, e.getMessage());
            return context != null;
        }
    }

    /** BoringSSL where its native library loads (netty-tcnative), else the JDK's TLS. */
    static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    private static SslContext build(SslContextBuilder builder) {
        try {
            return builder.sslProvider(provider())
                    .protocols("TLSv1.3", "TLSv1.2")
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, Protocol.ALPN))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("the gateway's TLS context cannot be built: " + e.getMessage(), e);
        }
    }

    /** The names a generated server certificate carries. */
    static List<String> dnsNames(String advertisedHost, String domain) {
        Set<String> names = new LinkedHashSet<>();
        if (!isAddress(advertisedHost)) {
            names.add(advertisedHost.toLowerCase(java.util.Locale.ROOT));
        }
        if (!domain.isEmpty()) {
            names.add("*." + domain);
            names.add(domain);
        }
        names.add("localhost");
        return new ArrayList<>(names);
    }

    static List<InetAddress> addresses(String advertisedHost) {
        Set<InetAddress> out = new LinkedHashSet<>();
        if (isAddress(advertisedHost)) {
            out.add(literal(advertisedHost));
        }
        out.add(literal("127.0.0.1"));
        out.add(literal("::1"));
        return new ArrayList<>(out);
    }

    private static boolean isAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
    }
}
