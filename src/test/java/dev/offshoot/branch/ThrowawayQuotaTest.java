package dev.offshoot.branch;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Principal;
import dev.offshoot.auth.TokenAuthentication;
import dev.offshoot.template.TemplateService;

/** Throwaway branches (checks, diffs, template migrations) used to be created as the service itself. */
class ThrowawayQuotaTest {

    final BranchService service = mock(BranchService.class);
    final BranchAccess access = new BranchAccess(service, mock(BranchRepository.class), mock(BranchLauncher.class),
            mock(TemplateService.class), mock(dev.offshoot.provision.Endpoints.class),
            new org.springframework.core.task.SyncTaskExecutor());

    @Test
    void aThrowawayBranchIsCreatedAsTheCallerSoItCountsAgainstTheCallersQuota() {
        Branch tmp = new Branch("tmp-check-1", UUID.randomUUID(), 1, null, "img", "app", "app", "pw", "alice",
                null, false, Map.of());
        when(service.create(any(), any())).thenReturn(new BranchService.Outcome(tmp, true));
        when(service.create(any(), any(), org.mockito.ArgumentMatchers.anyBoolean()))
                .thenReturn(new BranchService.Outcome(tmp, true));

        TokenAuthentication alice = TokenAuthentication.authenticated(Principal.admin("alice"));
        CurrentPrincipal.callAs(alice, () -> access.throwawayOfTemplate("main", null, "check"));
        CurrentPrincipal.callAs(alice, () -> access.throwawayOfBranch("pr-1", "diff"));

        verify(service).create(any(), eq("alice"));
        // a throwaway of a branch is never reset: no snapshot kept
        verify(service).create(any(), eq("alice"), eq(false));
    }

    @Test
    void aThrowawayDeletedAfterTheAnswerIsDeletedAsTheServiceOutsideTheRequest() {
        Branch tmp = new Branch("tmp-check-2", UUID.randomUUID(), 1, null, "img", "app", "app", "pw", "alice",
                null, false, Map.of());
        when(service.live("tmp-check-2")).thenReturn(tmp);

        access.deleteThrowawayLater("tmp-check-2");

        verify(service).delete("tmp-check-2", true);
    }
}
