package dev.offshoot.gateway;

import java.net.InetSocketAddress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;

/**
 * Takes the client's address from a load balancer's PROXY header (Netty's HAProxyMessageDecoder
 * reads v1 and v2 and removes itself), then admits the client by that address and steps aside. A
 * LOCAL header (the balancer's own health check) keeps the socket's address.
 */
final class ProxySource extends ChannelInboundHandlerAdapter {

    private final ClientPipeline pipeline;

    ProxySource(ClientPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null) {
                Session.of(ctx.channel()).proxiedFrom(new InetSocketAddress(header.sourceAddress(), header.sourcePort()));
            }
        } finally {
            header.release();
        }
        if (pipeline.admit(ctx.channel())) {
            ctx.pipeline().remove(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
