package dev.offshoot.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import org.springframework.boot.convert.DurationStyle;

import dev.offshoot.error.OffshootException;

/**
 * How long a branch may go without a connection before the gateway suspends it: the branch's own
 * setting, else its template's, else the service's. The service's is offshoot.gateway.idle-suspend,
 * or offshoot.reaper.idle-timeout when idle-action is STOP (its deprecated alias) and that is
 * shorter: before the gateway, both suspended, and whichever came first did. Zero means never.
 */
public final class IdleSuspend {

    /** Shorter would suspend a branch between two statements of one job. */
    public static final Duration MIN = Duration.ofSeconds(10);
    /** Longer is "never" in practice: say 0. */
    public static final Duration MAX = Duration.ofDays(30);
    /** The PATCH value that drops a branch's own setting, so its template's (or the service's) applies. */
    public static final String INHERIT = "inherit";

    /** Which level an effective setting comes from. */
    public enum From {
        BRANCH, TEMPLATE, SERVICE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The setting that applies to a branch, and where it comes from. */
    public record Effective(Duration value, From from) {

        /** ISO-8601, as the API shows durations: PT5M; PT0S is never. */
        public String iso() {
            return value.toString();
        }
    }

    private IdleSuspend() {
    }

    /**
     * A setting as clients send it ("5m", "PT1H", "0"): null when absent; 0 or MIN to MAX, else an
     * INVALID_IDLE_SUSPEND refusal. Kept to whole seconds.
     */
    public static Duration parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration d;
        try {
            d = DurationStyle.detectAndParse(value.strip());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw invalid("idleSuspend '" + value + "' is not a duration such as 5m, 1h or PT30M (0 means never)");
        }
        if (d.isZero()) {
            return Duration.ZERO;
        }
        if (d.isNegative() || d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
            throw invalid("idleSuspend must be 0 (never) or from " + MIN.toSeconds() + "s to " + MAX.toDays() + "d");
        }
        return Duration.ofSeconds(d.toSeconds());
    }

    /** A change of a setting: {@link #INHERIT} drops it (null), anything else is {@link #parse parsed}; blank is refused. */
    public static Duration change(String value) {
        if (value != null && INHERIT.equalsIgnoreCase(value.strip())) {
            return null;
        }
        if (value == null || value.isBlank()) {
            throw invalid("idleSuspend must be a duration such as 5m, 0 (never) or '" + INHERIT + "'");
        }
        return parse(value);
    }

    /** The service's setting (see the class comment). */
    public static Duration service(GatewayProperties gateway, ReaperProperties reaper) {
        Duration own = gateway.idleSuspend();
        if (!stopsIdle(reaper)) {
            return own;
        }
        return own.isZero() || reaper.idleTimeout().compareTo(own) < 0 ? reaper.idleTimeout() : own;
    }

    /** Whether the deprecated offshoot.reaper.idle-action=STOP is in use (with a timeout). */
    public static boolean stopsIdle(ReaperProperties reaper) {
        return reaper.idleAction() == ReaperProperties.IdleAction.STOP && reaper.idleReapingEnabled();
    }

    /** The branch's own (null: none), else the template's (null: none), else the service's. */
    public static Effective of(Duration branch, Duration template, Duration service) {
        if (branch != null) {
            return new Effective(branch, From.BRANCH);
        }
        if (template != null) {
            return new Effective(template, From.TEMPLATE);
        }
        return new Effective(service, From.SERVICE);
    }

    private static OffshootException invalid(String message) {
        return OffshootException.invalid("INVALID_IDLE_SUSPEND", message);
    }
}
