package dev.offshoot.migration;

import java.sql.SQLException;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * How long the phases of a migration check take, as {@code offshoot.check{phase=...}}: the copy of
 * the target, each reading of the copy (before and after the set: two per check), the lint, the
 * set's run, and working out its effects. Recorded by the check itself, so REST and MCP checks
 * and the checks behind applies all count; a phase that fails counts too.
 */
@Component
final class CheckTimers {

    /** Work on a branch's database that may fail with its driver's exception. */
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    final Timer copy;
    final Timer inspect;
    final Timer lint;
    final Timer migrate;
    final Timer effects;

    CheckTimers(MeterRegistry meters) {
        this.copy = phase(meters, "copy", "the throwaway copy of the target, until it accepts connections");
        this.inspect = phase(meters, "inspect", "one reading of the copy: schema, relations and their rows");
        this.lint = phase(meters, "lint", "the lint of the set's statements against the schema before it");
        this.migrate = phase(meters, "migrate", "Flyway running the set on the copy, watched");
        this.effects = phase(meters, "effects", "the schema diff and the effects on what existed before");
    }

    private static Timer phase(MeterRegistry meters, String phase, String description) {
        return Timer.builder("offshoot.check").tag("phase", phase).description(description)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10)).register(meters);
    }

    static <T> T timed(Timer timer, SqlWork<T> work) throws SQLException {
        Timer.Sample sample = Timer.start();
        try {
            return work.run();
        } finally {
            sample.stop(timer);
        }
    }
}
