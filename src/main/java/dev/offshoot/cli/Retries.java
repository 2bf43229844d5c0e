package dev.offshoot.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Sending a request again after {@code 429 Too Many Requests} or {@code 503 Service Unavailable}:
 * both mean the service did nothing and says when to come back ({@code Retry-After}, seconds or an
 * HTTP date). Without the header the waits double from one second. At most {@code max} retries
 * ({@code OFFSHOOT_RETRIES}, default 4; 0 turns them off), none longer than {@link #LONGEST}.
 */
record Retries(int max, CliHost.Sleeper sleeper, PrintWriter err) {

    static final int DEFAULT_MAX = 4;
    static final Duration LONGEST = Duration.ofSeconds(60);
    static final Retries NONE = new Retries(0, d -> { }, null);

    /** How long to wait before sending the request again, or null to give up with the failure. */
    Duration waitBefore(int attempt, int status, String retryAfter) {
        if ((status != 429 && status != 503) || attempt > max) {
            return null;
        }
        Duration asked = parse(retryAfter);
        Duration wait = asked != null ? asked : Duration.ofSeconds(1L << Math.min(attempt - 1, 5));
        return wait.compareTo(LONGEST) > 0 ? LONGEST : wait;
    }

    void pause(Duration wait, CliFailure why) {
        if (err != null) {
            err.println("offshoot: " + why.code() + " (" + why.getMessage() + "); retrying in " + wait.toSeconds() + " s");
            err.flush();
        }
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw why;
        }
    }

    /** Retry-After as delay-seconds or an HTTP-date (RFC 9110 10.2.3); null when absent or unreadable. */
    static Duration parse(String retryAfter) {
        if (retryAfter == null || retryAfter.isBlank()) {
            return null;
        }
        String value = retryAfter.strip();
        if (value.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        try {
            Duration until = Duration.between(ZonedDateTime.now(),
                    ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code OFFSHOOT_RETRIES}, or the default; a value that is not a small number is a usage failure. */
    static int maxFrom(String configured) {
        if (configured == null || configured.isBlank()) {
            return DEFAULT_MAX;
        }
        if (!configured.strip().matches("\\d{1,2}")) {
            throw CliFailure.usage("OFFSHOOT_RETRIES must be a number from 0 to 99, not '" + configured + "'");
        }
        return Integer.parseInt(configured.strip());
    }
}
