package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import dev.offshoot.config.MigrationProperties;
import dev.offshoot.error.OffshootException;

/** An SQL run's timeout is read in one place, whichever way (REST or MCP) it came. */
class SqlTimeoutTest {

    private static final MigrationProperties PROPERTIES = new MigrationProperties(10_485_760, 1000,
            Duration.ofSeconds(30), Duration.ofMinutes(10), 1000, 10_000, Duration.ofMinutes(10), 64L << 20,
            Duration.ofHours(24));

    private final MigrationService service = new MigrationService(null, PROPERTIES, null, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    private final MigrationOperations mcp = new MigrationOperations(service, null, null, null);

    @Test
    void aTimeoutThatIsNotADurationGetsTheSameProblemOverRestAndMcp() {
        OffshootException rest = refused(() -> service.sql("b", "SELECT 1", null, "soon", false));
        OffshootException tool = refused(() -> mcp.runSql("b", "SELECT 1", null, "soon", false));

        assertThat(rest.code()).isEqualTo("INVALID_LIMIT");
        assertThat(rest.kind()).isEqualTo(OffshootException.Kind.INVALID);
        assertThat(rest.getMessage()).isEqualTo("timeout 'soon' is not a duration (e.g. 5s, PT5S)");
        assertThat(tool.code()).isEqualTo(rest.code());
        assertThat(tool.getMessage()).isEqualTo(rest.getMessage());
    }

    @Test
    void aTimeoutIsReadInEitherSpellingAndHeldToTheMaximum() {
        for (String tooLong : new String[] {"11m", "PT11M"}) {
            OffshootException e = refused(() -> mcp.runSql("b", "SELECT 1", null, tooLong, false));
            assertThat(e.getMessage()).as(tooLong).isEqualTo("timeout must be positive and at most PT10M");
        }
        assertThat(MigrationService.timeout("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(MigrationService.timeout(" ")).isNull();
    }

    private static OffshootException refused(ThrowingCallable call) {
        OffshootException e = catchThrowableOfType(OffshootException.class, call);
        assertThat(e).isNotNull();
        return e;
    }
}
