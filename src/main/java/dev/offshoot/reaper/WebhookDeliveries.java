package dev.offshoot.reaper;

import java.sql.Timestamp;
import java.time.Instant;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Delivery ids already handled, so a redelivered webhook is answered without acting twice. */
@Component
class WebhookDeliveries {

    private final JdbcTemplate jdbc;

    WebhookDeliveries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Claims the delivery; false when it was handled (or is being handled) already. */
    boolean claim(String source, String deliveryId, String event) {
        return jdbc.update("INSERT INTO webhook_delivery (source, delivery_id, event, received_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING", source, deliveryId, event, Timestamp.from(Instant.now())) == 1;
    }

    /** Forgets deliveries older than the forges redeliver (days), so the table stays small. */
    int prune(Instant before) {
        return jdbc.update("DELETE FROM webhook_delivery WHERE received_at < ?", Timestamp.from(before));
    }

    /** Gives the claim back when handling failed, so the forge's redelivery is acted on. */
    void release(String source, String deliveryId) {
        jdbc.update("DELETE FROM webhook_delivery WHERE source = ? AND delivery_id = ?", source, deliveryId);
    }
}
