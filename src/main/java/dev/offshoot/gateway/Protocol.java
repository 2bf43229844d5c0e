package dev.offshoot.gateway;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * The PostgreSQL wire protocol as far as the gateway reads it (PostgreSQL documentation, "Message
 * Formats"): the first packets, which carry a length but no type byte, and the few backend and
 * frontend messages of the startup phase. Everything after the startup phase is spliced unread.
 */
final class Protocol {

    /** Int32 8, Int32 80877103: the client asks for TLS; answered with one byte, S or N. */
    static final int SSL_REQUEST = 80877103;
    /** Int32 8, Int32 80877104: the client asks for GSSAPI encryption; answered N. */
    static final int GSSENC_REQUEST = 80877104;
    /** Int32 length, Int32 80877102, Int32 process id, the secret key (4 bytes; up to 256 in 3.2). */
    static final int CANCEL_REQUEST = 80877102;
    static final int PROTOCOL_3_0 = 196608;
    static final int PROTOCOL_3_2 = 196610;
    /** The first byte of a TLS record carrying a handshake: a ClientHello of direct TLS (PostgreSQL 17). */
    static final byte TLS_HANDSHAKE = 0x16;
    /** The ALPN protocol direct TLS must name (PostgreSQL 17's sslnegotiation=direct sends it). */
    static final String ALPN = "postgresql";
    /** The longest cancel key protocol 3.2 allows. */
    static final int MAX_CANCEL_KEY = 256;

    /** Backend message types. */
    static final byte AUTHENTICATION = 'R';
    static final byte BACKEND_KEY_DATA = 'K';
    static final byte READY_FOR_QUERY = 'Z';
    static final byte ERROR_RESPONSE = 'E';
    /** Frontend: PasswordMessage, SASLInitialResponse and SASLResponse share the type byte. */
    static final byte PASSWORD = 'p';

    /** Authentication request codes of the 'R' message. */
    static final int AUTH_OK = 0;
    static final int AUTH_CLEARTEXT = 3;
    static final int AUTH_MD5 = 5;
    static final int AUTH_SASL = 10;
    static final int AUTH_SASL_CONTINUE = 11;
    static final int AUTH_SASL_FINAL = 12;

    /** SQLSTATEs the gateway answers with. */
    static final String PROTOCOL_VIOLATION = "08P01";
    static final String CONNECTION_REJECTED = "08004";
    static final String CONNECTION_FAILURE = "08006";
    static final String INVALID_CATALOG_NAME = "3D000";
    static final String INVALID_AUTHORIZATION = "28000";
    static final String INVALID_PASSWORD = "28P01";
    static final String TOO_MANY_CONNECTIONS = "53300";
    static final String CANNOT_CONNECT_NOW = "57P03";

    private Protocol() {
    }

    /** A protocol version code's major number (3 for 3.0 and 3.2). */
    static int major(int code) {
        return code >>> 16;
    }

    /**
     * The {@code name\0value\0...\0} parameters of a startup message body. Null when they are
     * malformed: no final zero byte, a name without a value, text that is not UTF-8, a name twice.
     */
    static Map<String, String> parameters(ByteBuf body) {
        Map<String, String> out = new LinkedHashMap<>();
        while (body.isReadable()) {
            String name = cString(body);
            if (name == null) {
                return null;
            }
            if (name.isEmpty()) {
                return body.isReadable() ? null : out;
            }
            String value = cString(body);
            if (value == null || out.putIfAbsent(name, value) != null) {
                return null;
            }
        }
        return null;
    }

    private static String cString(ByteBuf in) {
        int end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) 0);
        if (end < 0) {
            return null;
        }
        byte[] bytes = new byte[end - in.readerIndex()];
        in.readBytes(bytes);
        in.skipBytes(1);
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.indexOf('\uFFFD') >= 0 ? null : text;
    }

    /** A startup message of this version with these parameters. */
    static ByteBuf startupMessage(ByteBufAllocator alloc, int version, Map<String, String> parameters) {
        ByteBuf out = alloc.buffer();
        out.writeInt(0).writeInt(version);
        parameters.forEach((name, value) -> {
            writeCString(out, name);
            writeCString(out, value);
        });
        out.writeByte(0);
        out.setInt(0, out.readableBytes());
        return out;
    }

    /** A CancelRequest for a backend's own process id and key. */
    static ByteBuf cancelRequest(ByteBufAllocator alloc, int pid, byte[] key) {
        ByteBuf out = alloc.buffer(12 + key.length);
        return out.writeInt(12 + key.length).writeInt(CANCEL_REQUEST).writeInt(pid).writeBytes(key);
    }

    /** BackendKeyData: the process id and secret key a client cancels with. */
    static ByteBuf backendKeyData(ByteBufAllocator alloc, int pid, byte[] key) {
        ByteBuf out = alloc.buffer(9 + key.length);
        return out.writeByte(BACKEND_KEY_DATA).writeInt(8 + key.length).writeInt(pid).writeBytes(key);
    }

    /** A FATAL ErrorResponse: severity, SQLSTATE and a message, as the server's own look. */
    static ByteBuf fatal(ByteBufAllocator alloc, String sqlState, String message) {
        ByteBuf out = alloc.buffer();
        out.writeByte(ERROR_RESPONSE).writeInt(0);
        out.writeByte('S');
        writeCString(out, "FATAL");
        out.writeByte('V');
        writeCString(out, "FATAL");
        out.writeByte('C');
        writeCString(out, sqlState);
        out.writeByte('M');
        writeCString(out, message.replace('\0', ' '));
        out.writeByte(0);
        out.setInt(1, out.readableBytes() - 1);
        return out;
    }

    /** AuthenticationCleartextPassword: the server asks for the password as it is. */
    static ByteBuf cleartextPasswordRequest(ByteBufAllocator alloc) {
        return alloc.buffer(9).writeByte(AUTHENTICATION).writeInt(8).writeInt(AUTH_CLEARTEXT);
    }

    /** A PasswordMessage (or SASLResponse: the same layout) carrying these bytes. */
    static ByteBuf passwordMessage(ByteBufAllocator alloc, byte[] body) {
        return alloc.buffer(5 + body.length).writeByte(PASSWORD).writeInt(4 + body.length).writeBytes(body);
    }

    /** A SASLInitialResponse: the mechanism's name and the client-first message. */
    static ByteBuf saslInitialResponse(ByteBufAllocator alloc, String mechanism, String clientFirst) {
        byte[] first = clientFirst.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = alloc.buffer();
        out.writeByte(PASSWORD).writeInt(0);
        writeCString(out, mechanism);
        out.writeInt(first.length).writeBytes(first);
        out.setInt(1, out.readableBytes() - 1);
        return out;
    }

    /** A zero-terminated string with its zero (the password of a PasswordMessage). */
    static byte[] cStringBytes(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        return out;
    }

    /** The zero-terminated strings of a body (the SASL mechanisms a server offers). */
    static java.util.List<String> cStrings(ByteBuf body) {
        java.util.List<String> out = new java.util.ArrayList<>();
        while (body.isReadable()) {
            String s = cString(body);
            if (s == null || s.isEmpty()) {
                break;
            }
            out.add(s);
        }
        return out;
    }

    static ByteBuf oneByte(char c) {
        return Unpooled.wrappedBuffer(new byte[] {(byte) c});
    }

    private static void writeCString(ByteBuf out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8)).writeByte(0);
    }
}
