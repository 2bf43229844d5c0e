package dev.offshoot.reaper;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Deliveries already handled, known by their id and by their body, so that a redelivered webhook,
 * or a captured one replayed under another id, is answered without acting twice. Kept in the
 * metadata store, so this holds across replicas and restarts.
 */
@Component
class WebhookDeliveries {

    private final JdbcTemplate jdbc;

    WebhookDeliveries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Claims the delivery; false when it (its id or its very body) was handled, or is being handled, already. */
    boolean claim(String source, String deliveryId, String event, byte[] body) {
        return jdbc.update("INSERT INTO webhook_delivery (source, delivery_id, event, received_at, digest)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", source, deliveryId, event,
                Timestamp.from(Instant.now()), digest(body)) == 1;
    }

    /** Forgets deliveries received before the window began, so the table stays small. */
    int prune(Instant before) {
        return jdbc.update("DELETE FROM webhook_delivery WHERE received_at < ?", Timestamp.from(before));
    }

    /** Gives the claim back when handling failed, so the forge's redelivery is acted on. */
    void release(String source, String deliveryId) {
        jdbc.update("DELETE FROM webhook_delivery WHERE source = ? AND delivery_id = ?", source, deliveryId);
    }

    static String digest(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
