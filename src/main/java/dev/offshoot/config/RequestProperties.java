package dev.offshoot.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What one REST request may carry. Every body is refused before it is read when its announced
 * length passes its route's limit (413 PAYLOAD_TOO_LARGE), and cut off when a chunked one does.
 * Routes that take migration sets or SQL allow twice offshoot.migration.max-payload-bytes plus
 * 64 KiB (for JSON escaping); the upload routes (templates from SQL files, migration uploads) take
 * multipart bodies up to spring.servlet.multipart.max-request-size. No other route reads a
 * multipart body (415), so nothing is spooled to disk for a caller who may not upload.
 *
 * @param maxBodySize the largest body of every other route (JSON of creates, updates, policies;
 *                    webhook deliveries)
 */
@ConfigurationProperties("offshoot.requests")
public record RequestProperties(@DefaultValue("1MB") DataSize maxBodySize) {
}
