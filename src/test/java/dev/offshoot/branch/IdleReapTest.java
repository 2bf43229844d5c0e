package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.offshoot.config.IdleSuspend;
import dev.offshoot.provision.Inventory;
import dev.offshoot.provision.Provisioner;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateService;

/**
 * The reaper's idle deletion acts on recorded activity: a suspended branch is deleted without
 * asking it, a running one only when no session is open on it, and neither when it was used or
 * woken since the sweep read it. Live records carry the idle suspension that applies to each.
 */
class IdleReapTest {

    final BranchService service = mock(BranchService.class);
    final BranchRepository branches = mock(BranchRepository.class);
    final BranchLauncher launcher = mock(BranchLauncher.class);
    final TemplateService templates = mock(TemplateService.class);
    final IdleSettings idle = mock(IdleSettings.class);
    final BranchMaintenance maintenance = new BranchMaintenance(service, branches, launcher, mock(Provisioner.class),
            mock(Inventory.class), templates, BranchServices.PROPERTIES, idle);

    @BeforeEach
    void underItsLock() {
        when(service.withLock(any(), any())).thenAnswer(call -> ((Supplier<?>) call.getArgument(1)).get());
        when(templates.byId(any())).thenReturn(mock(Template.class));
    }

    @Test
    void aSuspendedBranchIsDeletedWithoutAskingIt() {
        Branch asleep = branch("asleep");
        asleep.suspended();
        BranchMaintenance.BranchRecord seen = seen(asleep);

        assertThat(maintenance.reapIdle(seen)).isTrue();

        verify(service).remove(asleep);
        verifyNoInteractions(launcher);
    }

    @Test
    void aRunningBranchWithAnOpenSessionIsKeptAndMarkedActive() throws SQLException {
        Branch busy = branch("busy");
        busy.started("c-busy");
        BranchMaintenance.BranchRecord seen = seen(busy);
        when(launcher.clientConnections(eq(busy), any(), eq(true))).thenReturn(1);

        assertThat(maintenance.reapIdle(seen)).isFalse();

        verify(service, never()).remove(any());
        verify(branches).save(busy);
        assertThat(busy.lastActivityAt()).isAfter(seen.lastActivityAt());
    }

    @Test
    void aRunningBranchThatCannotBeAskedIsKept() throws SQLException {
        Branch unknown = branch("unknown");
        unknown.started("c-unknown");
        when(launcher.clientConnections(any(), any(), anyBoolean())).thenThrow(new SQLException("refused"));

        assertThat(maintenance.reapIdle(seen(unknown))).isFalse();
        verify(service, never()).remove(any());
    }

    @Test
    void aRunningBranchWithoutSessionsIsDeleted() throws SQLException {
        Branch quiet = branch("quiet");
        quiet.started("c-quiet");
        when(launcher.clientConnections(eq(quiet), any(), eq(true))).thenReturn(0);

        assertThat(maintenance.reapIdle(seen(quiet))).isTrue();
        verify(service).remove(quiet);
    }

    /** A connection through another replica's gateway records activity; a wake changes the status. */
    @Test
    void aBranchUsedOrWokenSinceTheSweepReadItIsKept() {
        Branch used = branch("used");
        used.suspended();
        BranchMaintenance.BranchRecord seenUsed = seen(used);
        used.activeAt(Instant.now().plusSeconds(1));
        Branch woken = branch("woken");
        woken.suspended();
        BranchMaintenance.BranchRecord seenWoken = seen(woken);
        woken.resumed();

        assertThat(maintenance.reapIdle(seenUsed)).isFalse();
        assertThat(maintenance.reapIdle(seenWoken)).isFalse();
        verify(service, never()).remove(any());
    }

    @Test
    void liveRecordsCarryTheIdleSuspensionThatAppliesToEach() {
        Branch own = branch("own");
        when(branches.findLive()).thenReturn(List.of(own));
        IdleSettings.Lookup lookup = mock(IdleSettings.Lookup.class);
        when(idle.lookup()).thenReturn(lookup);
        when(lookup.of(own)).thenReturn(new IdleSuspend.Effective(Duration.ZERO, IdleSuspend.From.BRANCH));

        assertThat(maintenance.live()).singleElement()
                .satisfies(r -> assertThat(r.idleSuspend()).isEqualTo(Duration.ZERO));
    }

    private BranchMaintenance.BranchRecord seen(Branch b) {
        when(branches.findById(b.id())).thenReturn(Optional.of(b));
        return BranchMaintenance.BranchRecord.of(b);
    }

    private static Branch branch(String name) {
        return new Branch(name, UUID.randomUUID(), 1, null, "img", "app", "app", "pw", "me", null, false,
                Map.of());
    }
}
