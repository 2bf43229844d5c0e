package dev.offshoot.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.exception.ScramException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The gateway's side of a branch's password authentication, for clients that named their branch
 * in the password ({@code endpoint=<branch>;<password>}): the client gave the gateway its password
 * in clear text (over TLS), so the gateway answers the branch's request itself: SCRAM-SHA-256
 * (through the ongres SCRAM client, as pgjdbc does), MD5 or clear text. The password stays in this
 * object and goes nowhere else; the server's final SCRAM signature is checked, so a backend that
 * does not know the verifier is not trusted with the session.
 */
final class PasswordAuth {

    private static final String SCRAM_SHA_256 = "SCRAM-SHA-256";

    private final String user;
    private final String password;
    private ScramClient scram;

    PasswordAuth(String user, String password) {
        this.user = user;
        this.password = password;
    }

    /**
     * The answer to an authentication request the backend sent (its code and the rest of its body),
     * or null when the request needs none (SASL final: checked here).
     *
     * @throws Refusal when the request cannot be answered or the server's proof is wrong
     */
    ByteBuf answer(ByteBufAllocator alloc, int code, ByteBuf body) {
        try {
            return switch (code) {
                case Protocol.AUTH_CLEARTEXT -> Protocol.passwordMessage(alloc, Protocol.cStringBytes(password));
                case Protocol.AUTH_MD5 -> Protocol.passwordMessage(alloc, Protocol.cStringBytes(md5(body)));
                case Protocol.AUTH_SASL -> saslStart(alloc, Protocol.cStrings(body));
                case Protocol.AUTH_SASL_CONTINUE -> Protocol.passwordMessage(alloc, saslContinue(body));
                case Protocol.AUTH_SASL_FINAL -> {
                    requireScram().serverFinalMessage(text(body));
                    yield null;
                }
                default -> throw new Refusal(Protocol.INVALID_AUTHORIZATION, "the branch asks for an "
                        + "authentication method the gateway cannot answer for a password-form client (" + code + ")");
            };
        } catch (ScramException | IllegalStateException | IllegalArgumentException e) {
            throw new Refusal(Protocol.INVALID_PASSWORD, "SCRAM authentication with the branch failed");
        }
    }

    private ByteBuf saslStart(ByteBufAllocator alloc, List<String> mechanisms) {
        if (!mechanisms.contains(SCRAM_SHA_256)) {
            throw new Refusal(Protocol.INVALID_AUTHORIZATION, "the branch offers no SASL mechanism the gateway"
                    + " speaks (" + String.join(", ", mechanisms) + ")");
        }
        // Postgres takes the user of the startup message; the SCRAM user name is left out
        scram = ScramClient.builder().advertisedMechanisms(List.of(SCRAM_SHA_256)).username("*")
                .password(password.toCharArray()).build();
        return Protocol.saslInitialResponse(alloc, SCRAM_SHA_256, scram.clientFirstMessage().toString());
    }

    private byte[] saslContinue(ByteBuf body) throws ScramException {
        ScramClient client = requireScram();
        client.serverFirstMessage(text(body));
        return client.clientFinalMessage().toString().getBytes(StandardCharsets.UTF_8);
    }

    private ScramClient requireScram() {
        if (scram == null) {
            throw new IllegalStateException("SASL message before the SASL start");
        }
        return scram;
    }

    /** {@code md5} + md5(md5(password + user) + salt), as hex. */
    private String md5(ByteBuf body) {
        byte[] salt = new byte[4];
        body.readBytes(salt);
        String inner = hex(digest(password.getBytes(StandardCharsets.UTF_8), user.getBytes(StandardCharsets.UTF_8)));
        return "md5" + hex(digest(inner.getBytes(StandardCharsets.US_ASCII), salt));
    }

    private static byte[] digest(byte[] first, byte[] second) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(first);
            md5.update(second);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static String text(ByteBuf body) {
        return body.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "PasswordAuth[" + user + "]";
    }
}
