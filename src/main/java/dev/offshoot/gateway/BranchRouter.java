package dev.offshoot.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import dev.offshoot.error.OffshootException;
import dev.offshoot.naming.Names;

/**
 * Decides where a started client goes: the branch its TLS server name or options name, or else
 * (over TLS or the loopback) the one its password names, after asking for the password in clear
 * text. The branch is looked up, given a slot and woken off the event loop ({@link ClientPipeline#resolve});
 * then the branch is dialed and, once connected, sent the startup message (without the
 * {@code endpoint=} option) and spliced with the client ({@link Relay}), its startup phase read by
 * {@link BackendStartup}. The client is not read while this happens; every refusal is a FATAL
 * ErrorResponse with a SQLSTATE.
 */
final class BranchRouter extends ChannelInboundHandlerAdapter {

    /** Longest PasswordMessage taken from a password-form client. */
    private static final int MAX_PASSWORD_MESSAGE = 2048;

    private final ClientPipeline pipeline;
    private final Deque<ByteBuf> early = new ArrayDeque<>();
    private StartupDecoder.Startup startup;
    private Map<String, String> forwarded;
    private ByteBuf passwordMessage;

    BranchRouter(ClientPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof StartupDecoder.Startup s) {
            started(ctx, s);
        } else if (msg instanceof ByteBuf bytes) {
            if (passwordMessage != null) {
                password(ctx, bytes);
            } else {
                hold(ctx, bytes);
            }
        }
    }

    private void started(ChannelHandlerContext ctx, StartupDecoder.Startup s) {
        startup = s;
        ctx.channel().config().setAutoRead(false);
        Session session = Session.of(ctx.channel());
        try {
            EndpointName.Named named = EndpointName.resolve(session.serverName(), pipeline.domain(), s.parameters());
            forwarded = named.forwarded();
            if (named.name() != null) {
                route(ctx, named.name(), null);
            } else if (pipeline.passwordPrefix() && (session.encrypted() || session.loopback())) {
                passwordMessage = ctx.alloc().buffer();
                ctx.writeAndFlush(Protocol.cleartextPasswordRequest(ctx.alloc()));
                ctx.read();
            } else {
                throw new Refusal(Protocol.CONNECTION_REJECTED, "no branch named: connect with "
                        + "options=endpoint%3D<branch>" + (pipeline.domain().isEmpty() ? ""
                        : " or to <branch>." + pipeline.domain() + " over TLS"));
            }
        } catch (Refusal refusal) {
            refuse(ctx, refusal);
        }
    }

    /** The client's PasswordMessage: {@code endpoint=<branch>;<password>}. */
    private void password(ChannelHandlerContext ctx, ByteBuf bytes) {
        passwordMessage.writeBytes(bytes);
        bytes.release();
        if (passwordMessage.readableBytes() >= 5) {
            int length = passwordMessage.getInt(1);
            if (passwordMessage.getByte(0) != Protocol.PASSWORD || length < 5 || length > MAX_PASSWORD_MESSAGE) {
                refuse(ctx, new Refusal(Protocol.PROTOCOL_VIOLATION, "expected a password message"));
                return;
            }
            if (passwordMessage.readableBytes() >= 1 + length) {
                String text = passwordMessage.toString(5, length - 5, StandardCharsets.UTF_8).replace("\0", "");
                passwordMessage.release();
                passwordMessage = null;
                String[] parts = EndpointName.fromPassword(text);
                if (parts == null) {
                    refuse(ctx, new Refusal(Protocol.CONNECTION_REJECTED, "no branch named: connect with "
                            + "options=endpoint%3D<branch>, or give the password as endpoint=<branch>;<password>"));
                    return;
                }
                route(ctx, parts[0], new PasswordAuth(startup.parameters().get("user"), parts[1]));
                return;
            }
        }
        ctx.read();
    }

    /** Bytes a client sends before it was answered: kept for the branch, within a bound. */
    private void hold(ChannelHandlerContext ctx, ByteBuf bytes) {
        early.add(bytes);
        if (early.stream().mapToInt(ByteBuf::readableBytes).sum() > pipeline.maxStartupPacket()) {
            refuse(ctx, new Refusal(Protocol.PROTOCOL_VIOLATION, "unexpected data before authentication"));
        }
    }

    private void route(ChannelHandlerContext ctx, String name, PasswordAuth auth) {
        try {
            Names.requireResourceName("branch", name);
        } catch (OffshootException invalid) {
            refuse(ctx, new Refusal(Protocol.INVALID_CATALOG_NAME, "branch \"" + printable(name)
                    + "\" does not exist: branch names are lowercase letters, digits and hyphens"));
            return;
        }
        if (ctx.pipeline().get(HandshakeDeadline.NAME) != null) {
            ctx.pipeline().remove(HandshakeDeadline.NAME);
        }
        pipeline.resolve(ctx.channel(), name).whenComplete((target, error) -> ctx.executor().execute(() -> {
            Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : error;
            if (cause != null) {
                refuse(ctx, cause instanceof Refusal r ? r
                        : new Refusal(Protocol.CONNECTION_FAILURE, "branch \"" + name + "\" cannot be reached"));
            } else if (!ctx.channel().isActive()) {
                pipeline.released(target);
            } else {
                dial(ctx, target, auth);
            }
        }));
    }

    private void dial(ChannelHandlerContext ctx, ClientPipeline.Target target, PasswordAuth auth) {
        Channel client = ctx.channel();
        client.closeFuture().addListener(f -> pipeline.released(target));
        pipeline.connect(client, target, new BackendStartup(client, pipeline.cancels(), auth))
                .addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        pipeline.unreachable(target);
                        refuse(ctx, new Refusal(Protocol.CONNECTION_FAILURE, "branch \"" + target.route().name()
                                + "\" does not answer; try again"));
                        return;
                    }
                    splice(ctx, connected.channel());
                });
    }

    private void splice(ChannelHandlerContext ctx, Channel backend) {
        Channel client = ctx.channel();
        if (!client.isActive()) {
            backend.close();
            return;
        }
        backend.pipeline().addLast("relay", new Relay(client));
        backend.write(Protocol.startupMessage(backend.alloc(), startup.version(), forwarded));
        while (!early.isEmpty()) {
            backend.write(early.poll());
        }
        backend.flush();
        client.closeFuture().addListener(f -> Relay.closeAfterFlush(backend));
        ctx.pipeline().replace(this, "relay", new Relay(backend));
        backend.config().setAutoRead(true);
        client.config().setAutoRead(true);
    }

    private void refuse(ChannelHandlerContext ctx, Refusal refusal) {
        pipeline.refused(refusal);
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Protocol.fatal(ctx.alloc(), refusal.sqlState(), refusal.getMessage()))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static String printable(String name) {
        String shown = name.length() > 63 ? name.substring(0, 63) + "..." : name;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (passwordMessage != null) {
            passwordMessage.release();
            passwordMessage = null;
        }
        early.forEach(ByteBuf::release);
        early.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
