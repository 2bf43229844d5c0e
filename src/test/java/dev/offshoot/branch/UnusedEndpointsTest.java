package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.offshoot.provision.Inventory;
import dev.offshoot.provision.Provisioner;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.storage.Storage;
import dev.offshoot.template.TemplateService;

/** The reconciler's release of endpoints whose branch is gone (a crash between a row's removal and the release). */
class UnusedEndpointsTest {

    final BranchRepository branches = mock(BranchRepository.class);
    final ContainerRuntime runtime = mock(ContainerRuntime.class);
    final BranchMaintenance maintenance = new BranchMaintenance(mock(BranchService.class), branches,
            mock(BranchLauncher.class), mock(Provisioner.class),
            new Inventory(runtime, mock(Storage.class), BranchServices.PROPERTIES), mock(TemplateService.class),
            BranchServices.PROPERTIES, mock(IdleSettings.class));

    @Test
    void aKeyNoLiveBranchHasIsReleasedAndALiveBranchKeepsItsEndpoint() {
        Branch live = new Branch("live", UUID.randomUUID(), 1, null, "img", "app", "app", "pw", "me", null, false,
                Map.of());
        String gone = UUID.randomUUID().toString();
        when(runtime.instanceKeys()).thenReturn(Set.of(live.instanceKey(), gone));
        when(branches.findLive()).thenReturn(List.of(live));

        int released = maintenance.releaseUnusedEndpoints();

        assertThat(released).isEqualTo(1);
        verify(runtime).release(gone);
        verify(runtime, never()).release(live.instanceKey());
    }

    @Test
    void nothingHeldNothingReleased() {
        when(runtime.instanceKeys()).thenReturn(Set.of());
        when(branches.findLive()).thenReturn(List.of());

        assertThat(maintenance.releaseUnusedEndpoints()).isZero();
        verify(runtime, never()).release(any());
    }
}
