package dev.offshoot.branch;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.boot.convert.DurationStyle;

import dev.offshoot.error.OffshootException;

/** Validation and parsing of what clients send about branches: labels, expiry, filters. */
final class BranchRequests {

    private static final Pattern LABEL_KEY = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9._/-]{0,62})");
    private static final int MAX_LABELS = 32;
    private static final int MAX_VALUE = 255;

    Map<String, String> labels(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        if (labels.size() > MAX_LABELS) {
            throw OffshootException.invalid("INVALID_LABELS", "at most " + MAX_LABELS + " labels per branch");
        }
        labels.forEach((key, value) -> {
            if (key == null || !LABEL_KEY.matcher(key).matches()) {
                throw OffshootException.invalid("INVALID_LABELS", "label key '" + key + "' is invalid: 1-63 letters,"
                        + " digits, '.', '_', '/' or '-', starting with a letter or digit");
            }
            if (value == null || value.length() > MAX_VALUE) {
                throw OffshootException.invalid("INVALID_LABELS", "label '" + key + "' needs a value of at most "
                        + MAX_VALUE + " characters");
            }
        });
        return Map.copyOf(labels);
    }

    /** {@code key=value} filters from the query string. */
    Map<String, String> labelFilters(List<String> filters) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String filter : filters == null ? List.<String>of() : filters) {
            int eq = filter.indexOf('=');
            if (eq <= 0) {
                throw OffshootException.invalid("INVALID_FILTER", "label filter '" + filter + "' must be key=value");
            }
            out.put(filter.substring(0, eq), filter.substring(eq + 1));
        }
        return out;
    }

    BranchStatus status(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            BranchStatus parsed = BranchStatus.valueOf(status.toUpperCase(Locale.ROOT));
            // warm-pool members are nobody's branches: not a status a caller can list
            if (parsed != BranchStatus.POOLED) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw OffshootException.invalid("INVALID_FILTER", "unknown status '" + status + "'");
    }

    /** An expiry from a TTL ("2h", "30m", "PT1H") or an instant; none when neither is given. */
    Instant expiry(String ttl, Instant expiresAt) {
        if (ttl != null && !ttl.isBlank() && expiresAt != null) {
            throw OffshootException.invalid("INVALID_EXPIRY", "give either ttl or expiresAt, not both");
        }
        if (expiresAt != null) {
            if (!expiresAt.isAfter(Instant.now())) {
                throw OffshootException.invalid("INVALID_EXPIRY", "expiresAt must be in the future");
            }
            return expiresAt;
        }
        if (ttl == null || ttl.isBlank()) {
            return null;
        }
        Duration duration;
        try {
            duration = DurationStyle.detectAndParse(ttl);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw OffshootException.invalid("INVALID_EXPIRY", "ttl '" + ttl + "' is not a duration such as 2h, 30m or PT1H");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw OffshootException.invalid("INVALID_EXPIRY", "ttl must be positive");
        }
        return Instant.now().plus(duration);
    }
}
