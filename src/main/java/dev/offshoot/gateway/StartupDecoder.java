package dev.offshoot.gateway;

import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * The first packets of a client, before any branch is chosen: SSLRequest (answered S, then TLS with
 * SNI), a TLS ClientHello straight away (direct TLS, which must name the ALPN protocol
 * "postgresql"), GSSENCRequest (answered N, so libpq goes on without it), CancelRequest (routed by
 * the gateway's own keys, then closed), and the StartupMessage, which is handed on as a
 * {@link Startup} once TLS rules are met. Every packet is bounded: a length below 8 or above
 * offshoot.gateway.max-startup-packet, an unknown request code, malformed parameters or plain bytes
 * sent behind an SSLRequest end the connection (with an ErrorResponse where the client can read one).
 */
final class StartupDecoder extends ByteToMessageDecoder {

    /** A parsed StartupMessage: the protocol version and its parameters, in order. */
    record Startup(int version, Map<String, String> parameters) {
    }

    private final ClientPipeline pipeline;
    private final Session.Tls tls;

    StartupDecoder(ClientPipeline pipeline, Session.Tls tls) {
        this.pipeline = pipeline;
        this.tls = tls;
        setSingleDecode(true);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        if (tls == Session.Tls.NONE && in.getByte(in.readerIndex()) == Protocol.TLS_HANDSHAKE) {
            startTls(ctx, Session.Tls.DIRECT);
            return;
        }
        if (in.readableBytes() < 8) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 8 || length > pipeline.maxStartupPacket()) {
            refuse(ctx, in, Protocol.PROTOCOL_VIOLATION, "invalid length of startup packet");
            return;
        }
        if (in.readableBytes() < length) {
            return;
        }
        int code = in.getInt(in.readerIndex() + 4);
        switch (code) {
            case Protocol.SSL_REQUEST -> sslRequest(ctx, in, length);
            case Protocol.GSSENC_REQUEST -> gssRequest(ctx, in, length);
            case Protocol.CANCEL_REQUEST -> cancelRequest(ctx, in, length);
            default -> startup(ctx, in, length, code, out);
        }
    }

    private void sslRequest(ChannelHandlerContext ctx, ByteBuf in, int length) {
        if (length != 8 || tls != Session.Tls.NONE) {
            refuse(ctx, in, Protocol.PROTOCOL_VIOLATION, "unexpected SSLRequest");
            return;
        }
        in.skipBytes(8);
        if (in.isReadable()) {
            // bytes sent before the answer would be read as if they had come over TLS (CVE-2021-23214)
            refuse(ctx, in, Protocol.PROTOCOL_VIOLATION, "received unencrypted data after SSL request");
            return;
        }
        if (pipeline.tlsAvailable()) {
            ctx.writeAndFlush(Protocol.oneByte('S'));
        }
        startTls(ctx, Session.Tls.NEGOTIATED);
    }

    private void gssRequest(ChannelHandlerContext ctx, ByteBuf in, int length) {
        if (length != 8 || tls != Session.Tls.NONE) {
            refuse(ctx, in, Protocol.PROTOCOL_VIOLATION, "unexpected GSSENCRequest");
            return;
        }
        in.skipBytes(8);
        ctx.writeAndFlush(Protocol.oneByte('N'));
    }

    /** A CancelRequest gets no answer, as from the server; the connection closes either way. */
    private void cancelRequest(ChannelHandlerContext ctx, ByteBuf in, int length) {
        int keyLength = length - 12;
        if (keyLength < 4 || keyLength > Protocol.MAX_CANCEL_KEY) {
            refuse(ctx, in, Protocol.PROTOCOL_VIOLATION, "invalid length of cancel request");
            return;
        }
        in.skipBytes(8);
        int pid = in.readInt();
        byte[] key = new byte[keyLength];
        in.readBytes(key);
        pipeline.cancel(ctx.channel(), pid, key);
        in.skipBytes(in.readableBytes());
        ctx.close();
    }

    private void startup(ChannelHandlerContext ctx, ByteBuf in, int length, int version, List<Object> out) {
        if (Protocol.major(version) != 3) {
            refuse(ctx, in, Protocol.PROTOCOL_VIOLATION, "unsupported frontend protocol " + Protocol.major(version)
                    + "." + (version & 0xffff) + ": the gateway speaks 3.0 to 3.2");
            return;
        }
        ByteBuf body = in.slice(in.readerIndex() + 8, length - 8);
        Map<String, String> parameters = Protocol.parameters(body);
        if (parameters == null || !parameters.containsKey("user")) {
            refuse(ctx, in, Protocol.PROTOCOL_VIOLATION, "invalid startup packet layout");
            return;
        }
        in.skipBytes(length);
        Session session = Session.of(ctx.channel());
        if (!session.encrypted() && !pipeline.allowsPlainText(session)) {
            refuse(ctx, in, Protocol.INVALID_AUTHORIZATION, "the Offshoot gateway requires TLS from "
                    + "this address: connect with sslmode=require (or verify-full)");
            return;
        }
        ctx.pipeline().addAfter(ctx.name(), "router", pipeline.router());
        out.add(new Startup(version, parameters));
        ctx.pipeline().remove(this);
    }

    /**
     * TLS from here on: the TLS handler goes after this decoder and a decoder for the encrypted
     * stream after it; removing this one hands them whatever arrived already (a direct ClientHello).
     */
    private void startTls(ChannelHandlerContext ctx, Session.Tls mode) {
        if (!pipeline.tlsAvailable()) {
            if (mode == Session.Tls.DIRECT) {
                ctx.close();
            } else {
                ctx.writeAndFlush(Protocol.oneByte('N'));
            }
            return;
        }
        Session.of(ctx.channel()).tls(mode);
        ctx.pipeline().addAfter(ctx.name(), "tls", pipeline.tlsHandler(ctx.channel()));
        ctx.pipeline().addAfter("tls", "startup-tls", new StartupDecoder(pipeline, mode));
        ctx.pipeline().remove(this);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SniCompletionEvent sni && sni.isSuccess()) {
            Session.of(ctx.channel()).serverName(sni.hostname());
        } else if (event instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                ctx.close();
                return;
            }
            if (tls == Session.Tls.DIRECT && !Protocol.ALPN.equals(applicationProtocol(ctx))) {
                // direct TLS without ALPN "postgresql" may be another protocol's client: refused
                ctx.close();
                return;
            }
        }
        super.userEventTriggered(ctx, event);
    }

    private static String applicationProtocol(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        return ssl == null ? null : ssl.applicationProtocol();
    }

    private static void refuse(ChannelHandlerContext ctx, ByteBuf in, String sqlState, String message) {
        in.skipBytes(in.readableBytes());
        ctx.writeAndFlush(Protocol.fatal(ctx.alloc(), sqlState, message)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
