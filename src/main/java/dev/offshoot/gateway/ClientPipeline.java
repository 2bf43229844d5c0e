package dev.offshoot.gateway;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;

import dev.offshoot.config.GatewayProperties;
import dev.offshoot.instance.Endpoint;

/**
 * Sets up each client's pipeline (handshake deadline, PROXY header when configured, then the
 * {@link StartupDecoder}) and gives its handlers what they share: TLS, the cancel keys, the
 * connection counts and wakes, and the blocking look-ups and wakes run on virtual threads.
 */
final class ClientPipeline extends ChannelInitializer<SocketChannel> {

    /** A routed connection: the branch and where its instance answers. */
    record Target(BranchDirectory.Route route, Endpoint endpoint) {
    }

    private final GatewayProperties properties;
    private final GatewayTls tls;
    private final BranchDirectory directory;
    private final CancelKeys cancels;
    private final Connections connections;
    private final Wakes wakes;
    private final Executor blocking;
    private final GatewayMetrics metrics;
    private final Routes routes;
    private final OtherReplicas otherReplicas;

    /** Where a cancel for a key this replica did not issue goes. */
    interface OtherReplicas {
        void cancel(int pid, byte[] key);
    }

    ClientPipeline(GatewayProperties properties, GatewayTls tls, BranchDirectory directory, CancelKeys cancels,
            Connections connections, Wakes wakes, Executor blocking, GatewayMetrics metrics,
            OtherReplicas otherReplicas) {
        this.properties = properties;
        this.tls = tls;
        this.directory = directory;
        this.cancels = cancels;
        this.connections = connections;
        this.wakes = wakes;
        this.blocking = blocking;
        this.metrics = metrics;
        this.otherReplicas = otherReplicas;
        this.routes = new Routes(properties.routeCacheTtl());
        directory.onStopped(routes::stopped);
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        ChannelPipeline p = channel.pipeline();
        p.addLast(HandshakeDeadline.NAME, new HandshakeDeadline(properties.handshakeTimeout()));
        if (properties.proxyProtocol()) {
            p.addLast("proxy", new HAProxyMessageDecoder());
            p.addLast("proxy-source", new ProxySource(this));
        } else if (!admit(channel)) {
            return;
        }
        p.addLast("startup", new StartupDecoder(this, Session.Tls.NONE));
    }

    /** Takes a slot of the client's address, or refuses it (53300) when it holds too many. */
    boolean admit(Channel channel) {
        Session session = Session.of(channel);
        if (!connections.openClient(session.clientAddress(), properties.maxConnectionsPerClient())) {
            refuse(channel, new Refusal(Protocol.TOO_MANY_CONNECTIONS, "too many connections from this address"));
            return false;
        }
        session.counted(true);
        metrics.clientOpened();
        channel.closeFuture().addListener(f -> {
            connections.closeClient(session.clientAddress());
            metrics.clientClosed();
        });
        return true;
    }

    int maxStartupPacket() {
        return properties.maxStartupPacket();
    }

    boolean tlsAvailable() {
        return tls != null;
    }

    ChannelHandler tlsHandler(Channel channel) {
        return tls.newHandler(channel);
    }

    boolean allowsPlainText(Session session) {
        return switch (properties.plainText()) {
            case ANY -> true;
            case NONE -> false;
            case LOOPBACK -> session.loopback();
        };
    }

    String domain() {
        return properties.sniDomain();
    }

    boolean passwordPrefix() {
        return properties.passwordPrefix();
    }

    ChannelHandler router() {
        return new BranchRouter(this);
    }

    CancelKeys cancels() {
        return cancels;
    }

    /**
     * The branch of this name, given a connection slot and woken when suspended; on a virtual
     * thread. A route kept from a recent connection is used when its branch still runs where the
     * runtime says; else the directory is asked. Fails with a {@link Refusal} the client is told.
     */
    CompletableFuture<Target> resolve(Channel client, String name) {
        return CompletableFuture.supplyAsync(() -> {
            Optional<BranchDirectory.Route> recent = routes.recent(name);
            if (recent.isPresent()) {
                Target target = target(recent.get(), true);
                if (target != null) {
                    return target;
                }
                // the branch changed since: suspended, reset, deleted or created again under its name
                routes.forget(name);
            }
            return target(directory.route(name), false);
        }, blocking);
    }

    /** The route's branch with a slot taken, woken, and where it answers; null for a kept route that no longer runs. */
    private Target target(BranchDirectory.Route route, boolean kept) {
        if (!connections.openBranch(route.key(), properties.maxConnectionsPerBranch())) {
            throw new Refusal(Protocol.TOO_MANY_CONNECTIONS, "too many connections to branch \"" + route.name()
                    + "\" through the gateway");
        }
        try {
            if (route.suspended()) {
                awaitWake(route.name());
            }
            Endpoint endpoint;
            try {
                endpoint = directory.endpoint(route.key());
            } catch (Refusal notRunning) {
                if (kept) {
                    connections.closeBranch(route.key());
                    return null;
                }
                throw notRunning;
            }
            routes.running(new BranchDirectory.Route(route.name(), route.key(), false));
            return new Target(route, endpoint);
        } catch (RuntimeException e) {
            connections.closeBranch(route.key());
            throw e;
        }
    }

    private void awaitWake(String name) {
        long started = System.nanoTime();
        try {
            wakes.wake(name, () -> directory.wake(name)).get(properties.wakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            metrics.woke(System.nanoTime() - started);
        } catch (TimeoutException e) {
            throw new Refusal(Protocol.CANNOT_CONNECT_NOW, "branch \"" + name + "\" is still waking up after "
                    + properties.wakeTimeout().toSeconds() + " s; try again");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Refusal refusal) {
                throw refusal;
            }
            throw new Refusal(Protocol.CONNECTION_FAILURE, "branch \"" + name + "\" could not be woken up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal(Protocol.CANNOT_CONNECT_NOW, "the gateway is shutting down");
        }
    }

    /** The branch did not answer where it was routed: its route is asked for again next time. */
    void unreachable(Target target) {
        routes.forget(target.route().name());
    }

    /** The routed connection ended (or never got its backend): its branch slot goes back. */
    void released(Target target) {
        connections.closeBranch(target.route().key());
    }

    /** Dials the branch on the client's event loop; the backend is not read until the splice. */
    ChannelFuture connect(Channel client, Target target, BackendStartup startup) {
        return new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(startup)
                .connect(target.endpoint().host(), target.endpoint().port());
    }

    /**
     * Sends a client's CancelRequest on to the backend that issued the key it names; a key this
     * replica did not issue is passed to the others ({@link ReplicaCancels}), which ignore it
     * unless one of them did.
     */
    void cancel(Channel client, int pid, byte[] key) {
        Optional<CancelKeys.Target> issued = cancels.find(pid, key);
        if (issued.isEmpty()) {
            otherReplicas.cancel(pid, key);
            return;
        }
        issued.ifPresent(target -> {
            metrics.cancelled();
            new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
                    .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                    .connect(target.address())
                    .addListener((ChannelFutureListener) f -> {
                        if (f.isSuccess()) {
                            f.channel().writeAndFlush(Protocol.cancelRequest(f.channel().alloc(), target.pid(),
                                    target.key())).addListener(ChannelFutureListener.CLOSE);
                        }
                    });
        });
    }

    void refused(Refusal refusal) {
        metrics.refused(refusal.sqlState());
    }

    private void refuse(Channel channel, Refusal refusal) {
        refused(refusal);
        channel.config().setAutoRead(false);
        channel.writeAndFlush(Protocol.fatal(channel.alloc(), refusal.sqlState(), refusal.getMessage()))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
