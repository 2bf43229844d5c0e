package dev.offshoot.branch;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import dev.offshoot.error.OffshootException;

/**
 * How long branch creates take, as {@code offshoot.branch.create{source, outcome}}: source
 * {@code pool} (a warm-pool member claimed), {@code template} or {@code branch} (a fork); outcome
 * {@code success}, {@code refused} (the caller's to fix: a quota, a conflict) or {@code failure}
 * (Offshoot's: a container, storage, the engine). Timed by the create itself, so REST, MCP and the Neon API all
 * count, and only creates that make a branch: an idempotent repeat that finds it is not one.
 * Published as a histogram, so percentiles aggregate across replicas.
 */
@Component
class CreateTimer {

    /** Where a create got its branch from; told by the create when it knows. */
    static final class Source {
        private String name;

        void set(String name) {
            this.name = name;
        }
    }

    /** The histogram's range: a pool claim takes milliseconds, a cold create of a large template minutes. */
    private static final Duration MIN = Duration.ofMillis(5);
    private static final Duration MAX = Duration.ofMinutes(10);

    /** Kinds of error that are the caller's to fix, not a failing create. */
    private static final Set<OffshootException.Kind> CALLERS = EnumSet.of(OffshootException.Kind.INVALID,
            OffshootException.Kind.FORBIDDEN, OffshootException.Kind.NOT_FOUND, OffshootException.Kind.CONFLICT,
            OffshootException.Kind.UNPROCESSABLE, OffshootException.Kind.RATE_LIMITED);

    private final MeterRegistry meters;

    CreateTimer(MeterRegistry meters) {
        this.meters = meters;
    }

    <T> T time(String initialSource, Function<Source, T> create) {
        Timer.Sample sample = Timer.start(meters);
        Source source = new Source();
        source.set(initialSource);
        String outcome = "failure";
        try {
            T made = create.apply(source);
            outcome = "success";
            return made;
        } catch (OffshootException e) {
            outcome = CALLERS.contains(e.kind()) ? "refused" : "failure";
            throw e;
        } finally {
            sample.stop(Timer.builder("offshoot.branch.create").tag("source", source.name).tag("outcome", outcome)
                    .description("branch creates that made a branch, by source (pool, template, branch) and outcome")
                    .publishPercentileHistogram().minimumExpectedValue(MIN).maximumExpectedValue(MAX)
                    .register(meters));
        }
    }
}
