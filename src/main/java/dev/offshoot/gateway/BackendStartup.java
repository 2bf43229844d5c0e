package dev.offshoot.gateway;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * The branch's side of the startup phase, read message by message until its first ReadyForQuery;
 * after that the backend's bytes are spliced unread. Its BackendKeyData is replaced by a key of the
 * gateway's own ({@link CancelKeys}); for a password-form client the authentication requests are
 * answered by {@link PasswordAuth} instead of being forwarded. Every other message goes to the
 * client as it came. Messages of this phase are bounded; a longer one ends the connection.
 */
final class BackendStartup extends ByteToMessageDecoder {

    /** No startup-phase message (an error, a notice, a parameter) is anywhere near this long. */
    private static final int MAX_MESSAGE = 1 << 20;

    private final Channel client;
    private final CancelKeys cancels;
    private final PasswordAuth password;
    private final List<Integer> issued = new ArrayList<>();

    /** @param password null when the client authenticates to the branch itself (SCRAM end to end) */
    BackendStartup(Channel client, CancelKeys cancels, PasswordAuth password) {
        this.client = client;
        this.cancels = cancels;
        this.password = password;
        setSingleDecode(false);
        client.closeFuture().addListener(f -> issued.forEach(cancels::forget));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 5) {
            return;
        }
        byte type = in.getByte(in.readerIndex());
        int length = in.getInt(in.readerIndex() + 1);
        if (length < 4 || length > MAX_MESSAGE) {
            in.skipBytes(in.readableBytes());
            fail(ctx, Protocol.PROTOCOL_VIOLATION, "the branch sent an invalid message");
            return;
        }
        if (in.readableBytes() < 1 + length) {
            return;
        }
        switch (type) {
            case Protocol.BACKEND_KEY_DATA -> out.add(rewriteKey(ctx, in.readSlice(1 + length)));
            case Protocol.AUTHENTICATION -> authentication(ctx, in.readRetainedSlice(1 + length), out);
            case Protocol.READY_FOR_QUERY -> {
                out.add(in.readRetainedSlice(1 + length));
                ctx.pipeline().remove(this);
            }
            default -> out.add(in.readRetainedSlice(1 + length));
        }
    }

    private ByteBuf rewriteKey(ChannelHandlerContext ctx, ByteBuf message) {
        message.skipBytes(5);
        int pid = message.readInt();
        byte[] key = new byte[message.readableBytes()];
        message.readBytes(key);
        InetSocketAddress backend = (InetSocketAddress) ctx.channel().remoteAddress();
        CancelKeys.Issued mine = cancels.issue(new CancelKeys.Target(backend, pid, key));
        issued.add(mine.pid());
        return Protocol.backendKeyData(ctx.alloc(), mine.pid(), mine.key());
    }

    private void authentication(ChannelHandlerContext ctx, ByteBuf message, List<Object> out) {
        if (password == null) {
            out.add(message);
            return;
        }
        try {
            message.skipBytes(5);
            int code = message.readInt();
            if (code == Protocol.AUTH_OK) {
                message.readerIndex(0);
                out.add(message.retain());
                return;
            }
            ByteBuf answer = password.answer(ctx.alloc(), code, message);
            if (answer != null) {
                ctx.writeAndFlush(answer);
            }
        } catch (Refusal refusal) {
            fail(ctx, refusal.sqlState(), refusal.getMessage());
        } finally {
            message.release();
        }
    }

    private void fail(ChannelHandlerContext ctx, String sqlState, String message) {
        ctx.close();
        client.writeAndFlush(Protocol.fatal(client.alloc(), sqlState, message)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, Protocol.CONNECTION_FAILURE, "the connection to the branch failed");
    }
}
