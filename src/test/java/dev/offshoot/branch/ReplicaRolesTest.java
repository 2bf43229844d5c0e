package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.offshoot.config.PoolProperties;
import dev.offshoot.config.QuotaProperties;
import dev.offshoot.config.ReaderProperties;
import dev.offshoot.provision.Endpoints;
import dev.offshoot.provision.Inventory;
import dev.offshoot.provision.Provisioner;
import dev.offshoot.replica.Leadership;
import dev.offshoot.template.TemplateService;

/** What the branch feature's jobs do on a replica that does not lead, and the gateway's wake. */
class ReplicaRolesTest {

    final Leadership leadership = mock(Leadership.class);
    final BranchService service = mock(BranchService.class);
    final BranchRepository branches = mock(BranchRepository.class);
    final TemplateService templates = mock(TemplateService.class);
    final WarmPool pool = mock(WarmPool.class);
    final BranchReaders readers = mock(BranchReaders.class);

    @Test
    void aReplicaThatDoesNotLeadStartsNoPoolMemberAndDropsWhatItPrepared() {
        WarmPoolFiller filler = new WarmPoolFiller(service, pool, branches, templates, mock(JdbcTemplate.class),
                new PoolProperties(Duration.ofSeconds(2), 2, 20), new QuotaProperties(0, 0,
                        new QuotaProperties.Throwaways(2, 3, Duration.ofMinutes(1))), leadership,
                new SimpleMeterRegistry());
        when(leadership.isLeader()).thenReturn(false);

        filler.tick();

        verify(templates, never()).withPools();
        verify(service, never()).startPoolMember(any(), any());
        verify(pool).forgetClaimsExcept(Set.of());
    }

    @Test
    void aReplicaThatDoesNotLeadWatchesNoReader() {
        ReaderWatch watch = new ReaderWatch(readers, branches, mock(Endpoints.class), new ReaderProperties(
                Duration.ofMinutes(10), Duration.ofMinutes(10), 10, Duration.ofSeconds(30), 200), leadership,
                new SimpleMeterRegistry());
        when(leadership.isLeader()).thenReturn(false);
        watch.tick();
        verify(readers, never()).branchesWithReaders(any(), anyInt());

        when(leadership.isLeader()).thenReturn(true);
        when(readers.branchesWithReaders(any(), anyInt())).thenReturn(List.of());
        watch.tick();
        verify(readers).branchesWithReaders(any(), anyInt());
    }

    /** Only a SUSPENDED row is started, and only under its name lock (which every replica takes). */
    @Test
    void wakeStartsASuspendedBranchUnderItsNameLockAndLeavesARunningOneAlone() {
        BranchMaintenance maintenance = new BranchMaintenance(service, branches, mock(BranchLauncher.class),
                mock(Provisioner.class), mock(Inventory.class), templates, BranchServices.PROPERTIES,
                mock(IdleSettings.class));
        when(service.withLock(any(), any())).thenAnswer(call -> ((Supplier<?>) call.getArgument(1)).get());
        Branch sleepy = branch("sleepy");
        sleepy.suspended();
        Branch resumed = branch("sleepy");
        resumed.resumed();
        Branch awake = branch("awake");
        awake.started("c-awake");
        when(branches.findLiveByName("sleepy")).thenReturn(Optional.of(sleepy));
        when(branches.findLiveByName("awake")).thenReturn(Optional.of(awake));
        when(service.resume(sleepy)).thenReturn(resumed);

        assertThat(maintenance.wake("sleepy")).map(BranchMaintenance.BranchRecord::status).contains(BranchStatus.READY);
        assertThat(maintenance.wake("awake")).map(BranchMaintenance.BranchRecord::status).contains(BranchStatus.READY);
        assertThat(maintenance.wake("nobody")).isEmpty();

        verify(service).resume(sleepy);
        verify(service, never()).resume(awake);
        verify(service).withLock(eq("sleepy"), any());
    }

    private static Branch branch(String name) {
        return new Branch(name, UUID.randomUUID(), 1, null, "img", "app", "app", "pw", "me", null, false, Map.of());
    }
}
