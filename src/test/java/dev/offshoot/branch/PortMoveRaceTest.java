package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.dao.DuplicateKeyException;

import dev.offshoot.AsAdminCaller;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ImageStore;
import dev.offshoot.runtime.PortAllocator;
import dev.offshoot.storage.Storage;
import dev.offshoot.runtime.PortConflictException;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateRevision;
import dev.offshoot.template.TemplateService;

/**
 * A create whose port the engine refuses moves to another one; when a concurrent create reserves
 * that same port first, the move used to fail with a 500 (duplicate key on branch_live_port).
 */
@ExtendWith(AsAdminCaller.class)
class PortMoveRaceTest {

    final BranchRepository branches = mock(BranchRepository.class);
    final TemplateService templates = mock(TemplateService.class);
    final BranchLauncher launcher = mock(BranchLauncher.class);
    final PortAllocator ports = mock(PortAllocator.class);
    final RuntimeProperties properties = BranchServices.PROPERTIES;
    final BranchService service = new BranchService(branches, templates, launcher, mock(ContainerRuntime.class),
            new BranchPorts(branches, ports, properties, launcher), mock(BranchPolicies.class),
            BranchServices.defaultResources(), Storage.overlayOnly(mock(ImageStore.class), "t1",
                    "img"), mock(WarmPool.class));

    @Test
    void aMoveToAPortAConcurrentCreateJustTookTriesTheNextOne() {
        Template template = mock(Template.class);
        UUID templateId = UUID.randomUUID();
        when(template.id()).thenReturn(templateId);
        when(template.name()).thenReturn("main");
        when(template.latestRevision()).thenReturn(Optional.of(new TemplateRevision(1, "tpl:1", "sha", 1, 1, "empty",
                Instant.now(), "overlay", null, null)));
        when(templates.get("main")).thenReturn(template);
        when(branches.findLiveByName("b")).thenReturn(Optional.empty());
        when(branches.findLivePorts()).thenReturn(List.of());
        AtomicInteger nextPort = new AtomicInteger(25000);
        when(ports.next(any())).thenAnswer(call -> OptionalInt.of(nextPort.getAndIncrement()));
        // the engine refuses 25000 (held by another process); 25001 is taken by a racing create
        when(branches.save(any())).thenAnswer(call -> {
            Branch b = call.getArgument(0);
            if (b.port() == 25001) {
                throw new DuplicateKeyException("branch_live_port");
            }
            return b;
        });
        when(launcher.launch(any(), eq(template), any(), any())).thenAnswer(call -> {
            Branch b = call.getArgument(0);
            if (b.port() == 25000) {
                throw new PortConflictException(25000, null);
            }
            return "c-b";
        });

        BranchService.Outcome outcome = service.create(new CreateBranchRequest("b", "main", null, null, Map.of(), null,
                null, false), "me");

        assertThat(outcome.branch().port()).isEqualTo(25002);
        assertThat(Set.of(outcome.branch().status())).containsExactly(BranchStatus.READY);
    }
}
