package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.offshoot.provision.Endpoints;
import dev.offshoot.template.TemplateService;

/** A READY row whose server is already gone (a delete or reset of the name under way) is no 500. */
class BranchAccessRaceTest {

    final BranchService service = mock(BranchService.class);
    final TemplateService templates = mock(TemplateService.class);
    final Endpoints endpoints = mock(Endpoints.class);
    final BranchAccess access = new BranchAccess(service, mock(BranchRepository.class), mock(BranchLauncher.class),
            templates, endpoints, new org.springframework.core.task.SyncTaskExecutor());

    @Test
    void aReadyBranchWithoutARunningServerIsNotReadyYet() {
        Branch branch = new Branch("ld-16", UUID.randomUUID(), 1, null, "img", "app", "app", "pw", "alice", null,
                false, Map.of());
        branch.ensureSecrets(() -> "secret");
        branch.started("handle");
        when(service.live("ld-16")).thenReturn(branch);
        when(endpoints.internalIfRunning(any())).thenReturn(Optional.empty());

        assertThatThrownBy(() -> access.endpoint("ld-16"))
                .hasFieldOrPropertyWithValue("code", "BRANCH_NOT_READY")
                .hasMessageContaining("no running server");
    }
}
