package dev.offshoot.reaper;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a webhook really comes from the forge. Comparisons are constant-time so a forger
 * learns nothing from response times; an unset secret accepts nothing.
 */
final class WebhookSignatures {

    private static final String PREFIX = "sha256=";

    private WebhookSignatures() {
    }

    /** GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>}. */
    static boolean validGithub(String secret, byte[] body, String header) {
        if (secret == null || secret.isEmpty() || header == null || !header.startsWith(PREFIX)) {
            return false;
        }
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(header.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmacSha256(secret, body), presented);
    }

    /** GitLab sends the configured token itself in {@code X-Gitlab-Token}. */
    static boolean validGitlab(String token, String header) {
        return token != null && !token.isEmpty() && header != null && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The header value GitHub would send for this body; for tests and tooling. */
    static String githubHeader(String secret, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmacSha256(secret, body));
    }
}
