package dev.offshoot.gateway;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import dev.offshoot.config.GatewayProperties;

/**
 * The gateway's listening socket: a Netty server whose client pipelines {@link ClientPipeline}
 * sets up. It starts before the web server, so the port it took (offshoot.gateway.port, or a free
 * one for 0) is known as {@code local.gateway.port} before any connection string is handed out.
 * One acceptor thread and an event loop per core; blocking work never runs on them.
 */
final class GatewayServer implements SmartLifecycle {

    static final String LOCAL_PORT = "local.gateway.port";
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

    private final GatewayProperties properties;
    private final ClientPipeline pipeline;
    private final GatewayTls tls;
    private final ConfigurableEnvironment environment;
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private Channel server;

    GatewayServer(GatewayProperties properties, ClientPipeline pipeline, GatewayTls tls,
            ConfigurableEnvironment environment) {
        this.properties = properties;
        this.pipeline = pipeline;
        this.tls = tls;
        this.environment = environment;
    }

    @Override
    public void start() {
        acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
        server = new ServerBootstrap().group(acceptor, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(pipeline)
                .bind(properties.bindAddress(), properties.port()).syncUninterruptibly().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        environment.getPropertySources().addFirst(new MapPropertySource("offshoot-gateway", Map.of(LOCAL_PORT, port)));
        long reload = properties.tls().reloadInterval().toMillis();
        if (properties.tls().fromFiles() && reload > 0) {
            acceptor.scheduleWithFixedDelay(tls::reloadIfChanged, reload, reload, TimeUnit.MILLISECONDS);
        }
        log.info("PostgreSQL gateway listening on {}:{} (TLS on {})", properties.bindAddress(), port,
                GatewayTls.provider() == io.netty.handler.ssl.SslProvider.OPENSSL ? "BoringSSL" : "the JDK");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
            server = null;
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** Before the web server (which starts late), so the port is known when requests come. */
    @Override
    public int getPhase() {
        return 0;
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }
}
