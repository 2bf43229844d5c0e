package dev.offshoot.gateway;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;

/**
 * Cuts a client that has not named its branch within offshoot.gateway.handshake-timeout of
 * connecting (TLS handshake and startup message included): a client sending one byte at a time
 * cannot hold a connection. The router removes it once routing starts; waking has its own limit.
 */
final class HandshakeDeadline extends ChannelHandlerAdapter {

    static final String NAME = "deadline";

    private final Duration timeout;
    private ScheduledFuture<?> cut;

    HandshakeDeadline(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        cut = ctx.executor().schedule(() -> {
            ctx.channel().close();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (cut != null) {
            cut.cancel(false);
        }
    }
}
