package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.offshoot.branch.BranchAccess;
import dev.offshoot.config.MigrationProperties;
import dev.offshoot.error.OffshootException;

/**
 * How a check finds its target (once per request: the branch found is the one checked) and times
 * its phases.
 */
class MigrationCheckTest {

    /** Nothing listens on port 1: the throwaway's first session fails at once. */
    private static final String UNREACHABLE = "jdbc:postgresql://127.0.0.1:1/app";
    private static final MigrationProperties PROPERTIES = new MigrationProperties(10_485_760, 1000,
            Duration.ofSeconds(30), Duration.ofMinutes(10), 1000, 10_000, Duration.ofMinutes(10), 64L << 20,
            Duration.ofHours(24));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final BranchAccess branches = mock(BranchAccess.class);
    private final MigrationService migrations = mock(MigrationService.class);
    private final MigrationCheck checks = new MigrationCheck(branches, migrations, PROPERTIES,
            mock(MigrationPolicies.class), mock(MigrationApprovals.class), new CheckTimers(meters));

    @Test
    void aCheckLooksItsTargetUpOnceAndReadsThatBranchsHistory() {
        BranchAccess.Endpoint endpoint = aTargetWhoseCopyDoesNotAnswer();

        assertThat(checkOfOneMigration().code()).isEqualTo("BRANCH_UNREACHABLE");
        verify(migrations, timeout(5000)).history(endpoint);
        verify(branches).target("pr-7");
        verify(branches, never()).id(anyString());
        verify(branches, never()).origin(anyString());
        verify(branches, never()).endpoint("pr-7");
        verify(migrations, never()).history(anyString());
        verify(branches).deleteThrowawayLater("tmp-check-1");
    }

    @Test
    void aCheckTimesItsPhasesUpToTheOneThatFailed() {
        aTargetWhoseCopyDoesNotAnswer();

        checkOfOneMigration();

        assertThat(phase("copy").count()).isEqualTo(1);
        assertThat(phase("inspect").count()).isEqualTo(1);
        assertThat(phase("migrate").count()).isZero();
        assertThat(phase("copy").totalTime(TimeUnit.NANOSECONDS)).isPositive();
    }

    private BranchAccess.Endpoint aTargetWhoseCopyDoesNotAnswer() {
        BranchAccess.Endpoint endpoint = endpoint("pr-7");
        when(branches.target("pr-7")).thenReturn(new BranchAccess.Target(UUID.randomUUID(), endpoint, "shop"));
        when(branches.throwawayOfBranch("pr-7", "check")).thenReturn("tmp-check-1");
        when(branches.endpoint("tmp-check-1")).thenReturn(endpoint("tmp-check-1"));
        when(migrations.history(endpoint)).thenReturn(new MigrationService.History("pr-7", null, List.of()));
        return endpoint;
    }

    private OffshootException checkOfOneMigration() {
        return catchThrowableOfType(OffshootException.class,
                () -> checks.check("pr-7", List.of(MigrationFile.parse("V1__t.sql", "CREATE TABLE t (x int)"))));
    }

    private Timer phase(String phase) {
        return meters.get("offshoot.check").tag("phase", phase).timer();
    }

    private static BranchAccess.Endpoint endpoint(String branch) {
        return new BranchAccess.Endpoint(branch, UNREACHABLE, "owner", "owner-secret", "reader", "reader-secret",
                "superuser-secret");
    }
}
