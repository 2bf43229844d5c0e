package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.offshoot.AsAdminCaller;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.error.OffshootException;
import dev.offshoot.provision.Endpoints;
import dev.offshoot.provision.Instance;
import dev.offshoot.provision.LaunchPlan;
import dev.offshoot.provision.Origin;
import dev.offshoot.provision.Provisioner;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ImageStore;
import dev.offshoot.storage.Storage;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateRevision;
import dev.offshoot.template.TemplateService;

/**
 * A child's snapshot image must be owned by a saved row before it exists: a concurrent delete
 * prunes every snapshot image no live row names, and used to take a just-committed one whose
 * child had not saved it yet (the child then failed with IMAGE_NOT_FOUND). The provisioner here is
 * the real one around a mocked engine and image store, with its start stubbed where a test needs a
 * copy of a running source (which needs a real server to checkpoint).
 */
@ExtendWith(AsAdminCaller.class)
class SnapshotOwnershipTest {

    final BranchRepository branches = mock(BranchRepository.class);
    final TemplateService templates = mock(TemplateService.class);
    final ContainerRuntime runtime = mock(ContainerRuntime.class);
    final ImageStore images = mock(ImageStore.class);
    final BranchPolicies policies = mock(BranchPolicies.class);
    final RuntimeProperties properties = BranchServices.PROPERTIES;
    final Provisioner provisioner = spy(new Provisioner(runtime, Storage.overlayOnly(images, "t1"),
            new Endpoints(runtime), properties, new SimpleMeterRegistry()));
    final BranchLauncher launcher = new BranchLauncher(provisioner, mock(BranchReaders.class));
    final BranchService service = new BranchService(branches, templates, launcher, provisioner,
            policies, BranchServices.defaultResources(), mock(WarmPool.class), mock(BranchReaders.class),
            dev.offshoot.naming.SharedLocks.NONE, new CreateTimer(new SimpleMeterRegistry()));

    final Template template = mock(Template.class);
    final UUID templateId = UUID.randomUUID();
    final Branch parent = new Branch("parent", templateId, 1, null, "tpl:1", "app", "app", "pw", "me", null,
            false, Map.of());
    /** The snapshot image each save handed to the store, as it was at the moment of the save. */
    final List<String> savedImages = new ArrayList<>();
    /** The plans the provisioner was asked to start. */
    final List<LaunchPlan> started = new ArrayList<>();

    SnapshotOwnershipTest() {
        parent.started("c-parent");
        when(template.id()).thenReturn(templateId);
        when(template.name()).thenReturn("tpl");
        when(template.databaseName()).thenReturn("app");
        when(template.ownerRole()).thenReturn("app");
        when(template.revision(1)).thenReturn(Optional.of(new TemplateRevision(1, "tpl:1", "sha", 1, 1, "empty",
                Instant.now(), "overlay", null, null)));
        when(templates.byId(templateId)).thenReturn(template);
        when(branches.findLiveByName("parent")).thenReturn(Optional.of(parent));
        when(branches.findLiveByName("child")).thenReturn(Optional.empty());
        when(branches.save(any())).thenAnswer(call -> {
            Branch saved = call.getArgument(0);
            savedImages.add(saved.snapshotImage());
            return saved;
        });
    }

    CreateBranchRequest childOfParent() {
        return new CreateBranchRequest("child", null, null, "parent", Map.of(), null, null, false);
    }

    /** Stubs the provisioner's start: {@code copy} stands for the copy of the running source. */
    void whenStarted(java.util.function.Function<Origin.SnapshotOf, String> copy) {
        doAnswer(call -> {
            LaunchPlan plan = call.getArgument(0);
            started.add(plan);
            String handle = copy.apply((Origin.SnapshotOf) plan.origin());
            return new Instance(plan.owner().id(), plan.database(), handle, plan.origin().parent(),
                    plan.origin().parent());
        }).when(provisioner).start(any());
    }

    @Test
    void theSnapshotImageIsNamedByASavedRowBeforeItIsCommitted() {
        whenStarted(fork -> {
            assertThat(savedImages).as("rows saved before the copy").contains(fork.parent().image());
            return "c-child";
        });

        BranchService.Outcome outcome = service.create(childOfParent(), "me");

        assertThat(outcome.branch().snapshotImage()).startsWith("offshoot/snapshot-t1-child:")
                .isEqualTo(started.getFirst().origin().parent().image());
        assertThat(((Origin.SnapshotOf) started.getFirst().origin()).source().instance().handle())
                .isEqualTo("c-parent");
    }

    @Test
    void aFailedSnapshotRemovesTheImageAndTheRow() {
        when(branches.findById(parent.id())).thenReturn(Optional.of(parent));
        when(images.listImages(any())).thenAnswer(call -> List.of(savedImages.stream()
                .filter(java.util.Objects::nonNull).findFirst().orElseThrow()));
        whenStarted(fork -> {
            throw new IllegalStateException("commit failed");
        });

        assertThatThrownBy(() -> service.create(childOfParent(), "me")).hasMessageContaining("commit failed");

        verify(images).removeImage(started.getFirst().origin().parent().image());
        verify(branches).deleteById(any());
    }

    @Test
    void aForkWhoseSourceIsDeletedMidCopyAnswersNotFoundAndLeavesNothing() {
        Branch gone = new Branch("parent", templateId, 1, null, "tpl:1", "app", "app", "pw", "me", null,
                false, Map.of());
        gone.deleting();
        when(branches.findById(parent.id())).thenReturn(Optional.of(gone));
        when(images.listImages(any())).thenAnswer(call -> List.of(started.getFirst().origin().parent().image()));
        // what the provisioner asks after a failed copy ("No such container: c-parent")
        whenStarted(fork -> fork.source().replaced().map(source -> "copied").orElseThrow());

        assertThatThrownBy(() -> service.create(childOfParent(), "me")).isInstanceOfSatisfying(
                OffshootException.class, e -> assertThat(e.code()).isEqualTo("BRANCH_NOT_FOUND"));

        verify(images).removeImage(started.getFirst().origin().parent().image());
        verify(branches).deleteById(any());
    }

    @Test
    void aForkWhoseSourceIsResetMidCopyCopiesTheNewContainerOnce() {
        Branch reset = new Branch("parent", templateId, 1, null, "tpl:1", "app", "app", "pw", "me", null,
                false, Map.of());
        reset.started("c-parent-after-reset");
        when(branches.findById(parent.id())).thenReturn(Optional.of(reset));
        List<String> copied = new ArrayList<>();
        // the provisioner asks again after a failed copy of c-parent and copies what it is offered
        whenStarted(fork -> {
            Origin.ForkSource again = fork.source().replaced().orElseThrow();
            copied.add(again.instance().handle());
            return "c-child";
        });

        BranchService.Outcome outcome = service.create(childOfParent(), "me");

        assertThat(outcome.created()).isTrue();
        assertThat(copied).containsExactly("c-parent-after-reset");
    }

    @Test
    void deletingABranchWithoutASnapshotListsNoImages() {
        Branch plain = new Branch("plain", templateId, 1, null, "tpl:1", "app", "app", "pw", "me", null,
                false, Map.of());
        plain.started("c-plain");

        service.remove(plain);

        verify(runtime).remove("c-plain");
        org.mockito.Mockito.verify(images, org.mockito.Mockito.never()).listImages(any());
    }

    @Test
    void deletingASnapshotChildPrunesOnlyImagesNoLiveRowNames() {
        Branch child = new Branch("child", templateId, 1, parent.id(), "tpl:1", "app", "app", "pw", "me",
                null, false, Map.of());
        child.useSnapshot("offshoot/snapshot-t1-child:1111");
        child.started("c-child");
        when(branches.findLiveSnapshotImages()).thenReturn(List.of("offshoot/snapshot-t1-creating:2222"));
        when(images.listImages(any())).thenReturn(List.of("offshoot/snapshot-t1-child:1111",
                "offshoot/snapshot-t1-creating:2222"));
        when(images.removeImage(anyString())).thenReturn(false);

        service.remove(child);

        verify(images).removeImage("offshoot/snapshot-t1-child:1111");
        verify(images, org.mockito.Mockito.never()).removeImage("offshoot/snapshot-t1-creating:2222");
        assertThat(Set.of(child.status())).containsExactly(BranchStatus.DELETED);
    }
}
