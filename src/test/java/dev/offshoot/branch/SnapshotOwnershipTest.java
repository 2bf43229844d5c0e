package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.offshoot.AsAdminCaller;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.error.OffshootException;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ImageStore;
import dev.offshoot.storage.Storage;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateRevision;
import dev.offshoot.template.TemplateService;

/**
 * A child's snapshot image must be owned by a saved row before it exists: a concurrent delete
 * prunes every snapshot image no live row names, and used to take a just-committed one whose
 * child had not saved it yet (the child then failed with IMAGE_NOT_FOUND).
 */
@ExtendWith(AsAdminCaller.class)
class SnapshotOwnershipTest {

    final BranchRepository branches = mock(BranchRepository.class);
    final TemplateService templates = mock(TemplateService.class);
    final BranchLauncher launcher = mock(BranchLauncher.class);
    final ContainerRuntime runtime = mock(ContainerRuntime.class);
    final ImageStore images = mock(ImageStore.class);
    final BranchPolicies policies = mock(BranchPolicies.class);
    final RuntimeProperties properties = BranchServices.PROPERTIES;
    final BranchService service = new BranchService(branches, templates, launcher, runtime,
            policies, BranchServices.defaultResources(),
            Storage.overlayOnly(images, "t1", "img"), mock(WarmPool.class), mock(BranchReaders.class));

    final Template template = mock(Template.class);
    final UUID templateId = UUID.randomUUID();
    final Branch parent = new Branch("parent", templateId, 1, null, "tpl:1", "app", "app", "pw", "me", null,
            false, Map.of());
    /** The snapshot image each save handed to the store, as it was at the moment of the save. */
    final List<String> savedImages = new ArrayList<>();

    SnapshotOwnershipTest() {
        parent.started("c-parent");
        when(template.id()).thenReturn(templateId);
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
        when(launcher.snapshotRef(any(), any())).thenReturn(new dev.offshoot.instance.DataRef.InImage("offshoot/snapshot-t1-child:0000"));
        // the launch runs the fork's copy of its source first, as the real one does
        when(launcher.launch(any(), eq(template), any(), any(), org.mockito.ArgumentMatchers.anyBoolean()))
                .thenAnswer(call -> {
                    call.<Runnable>getArgument(2).run();
                    return "c-child";
                });
    }

    CreateBranchRequest childOfParent() {
        return new CreateBranchRequest("child", null, null, "parent", Map.of(), null, null, false);
    }

    @Test
    void theSnapshotImageIsNamedByASavedRowBeforeItIsCommitted() {
        doAnswer(call -> {
            assertThat(savedImages).as("rows saved before the commit").contains("offshoot/snapshot-t1-child:0000");
            return null;
        }).when(launcher).snapshot(eq(parent), any(), eq(template));

        BranchService.Outcome outcome = service.create(childOfParent(), "me");

        assertThat(outcome.branch().snapshotImage()).isEqualTo("offshoot/snapshot-t1-child:0000");
        verify(launcher).snapshot(eq(parent), any(), eq(template));
    }

    @Test
    void aFailedSnapshotRemovesTheImageAndTheRow() {
        when(branches.findById(parent.id())).thenReturn(Optional.of(parent));
        doAnswer(call -> {
            throw new IllegalStateException("commit failed");
        }).when(launcher).snapshot(any(), any(), any());

        assertThatThrownBy(() -> service.create(childOfParent(), "me")).hasMessageContaining("commit failed");

        verify(images).removeImage("offshoot/snapshot-t1-child:0000");
        verify(branches).deleteById(any());
    }

    @Test
    void aForkWhoseSourceIsDeletedMidCopyAnswersNotFoundAndLeavesNothing() {
        Branch gone = new Branch("parent", templateId, 1, null, "tpl:1", "app", "app", "pw", "me", null,
                false, Map.of());
        gone.deleting();
        when(branches.findById(parent.id())).thenReturn(Optional.of(gone));
        doAnswer(call -> {
            throw new IllegalStateException("No such container: c-parent");
        }).when(launcher).snapshot(any(), any(), any());

        assertThatThrownBy(() -> service.create(childOfParent(), "me")).isInstanceOfSatisfying(
                dev.offshoot.error.OffshootException.class, e -> assertThat(e.code()).isEqualTo("BRANCH_NOT_FOUND"));

        verify(images).removeImage("offshoot/snapshot-t1-child:0000");
        verify(branches).deleteById(any());
    }

    @Test
    void aForkWhoseSourceIsResetMidCopyCopiesTheNewContainerOnce() {
        Branch reset = new Branch("parent", templateId, 1, null, "tpl:1", "app", "app", "pw", "me", null,
                false, Map.of());
        reset.started("c-parent-after-reset");
        when(branches.findById(parent.id())).thenReturn(Optional.of(reset));
        doAnswer(call -> {
            throw new IllegalStateException("No such container: c-parent");
        }).when(launcher).snapshot(eq(parent), any(), any());

        BranchService.Outcome outcome = service.create(childOfParent(), "me");

        assertThat(outcome.created()).isTrue();
        verify(launcher).snapshot(eq(reset), any(), eq(template));
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
