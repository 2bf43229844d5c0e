package dev.offshoot.tuning;

import java.time.Duration;
import java.time.format.DateTimeParseException;

import org.springframework.boot.convert.DurationStyle;

import dev.offshoot.config.TuningProperties;
import dev.offshoot.error.OffshootException;

/** The time limit of one run as callers write it ("5s", "PT5S"), within the operator's bounds. */
final class Durations {

    private Durations() {
    }

    static Duration timeout(String text, TuningProperties properties) {
        if (text == null || text.isBlank()) {
            return properties.statementTimeout();
        }
        Duration asked;
        try {
            asked = DurationStyle.detectAndParse(text.strip());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw OffshootException.invalid("INVALID_LIMIT", "timeout '" + text + "' is not a duration (e.g. 5s, PT5S)");
        }
        if (asked.isNegative() || asked.isZero() || asked.compareTo(properties.maxStatementTimeout()) > 0) {
            throw OffshootException.invalid("INVALID_LIMIT", "timeout must be positive and at most "
                    + properties.maxStatementTimeout() + " (offshoot.tuning.max-statement-timeout)");
        }
        return asked;
    }
}
