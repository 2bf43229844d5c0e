package dev.offshoot.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.DataRef;
import dev.offshoot.instance.Resources;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerRuntime.ContainerSummary;
import dev.offshoot.runtime.ImageStore;
import dev.offshoot.storage.Storage;

/**
 * The seam's own contract, around a mocked engine and the overlay driver over a mocked image store.
 * Nothing here runs Postgres: a fork's checkpoint finds no server and fails, which is the failed
 * copy these tests need.
 */
class ProvisionerTest {

    static final RuntimeProperties PROPERTIES = new RuntimeProperties("", "t1", "img", "", "/pg", "", "127.0.0.1",
            "", false, "n", 25000, 25999, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(30));

    final ContainerRuntime runtime = mock(ContainerRuntime.class);
    final ImageStore images = mock(ImageStore.class);
    final Provisioner provisioner = new Provisioner(runtime, Storage.overlayOnly(images, "t1"),
            new Endpoints(runtime), PROPERTIES, new SimpleMeterRegistry());
    final UUID owner = UUID.randomUUID();
    final DataRef revision = new DataRef.InImage("offshoot/tpl:1");

    /** A running source whose owner offers {@code next} once after a failed copy. */
    static final class Source implements Origin.ForkSource {

        private final Instance instance;
        private final List<Source> offered;
        private final Source next;

        Source(Instance instance, List<Source> offered, Source next) {
            this.instance = instance;
            this.offered = offered;
            this.next = next;
        }

        @Override
        public Instance instance() {
            return instance;
        }

        @Override
        public String superuserPassword() {
            return "secret";
        }

        @Override
        public Optional<Origin.ForkSource> replaced() {
            offered.add(this);
            return Optional.ofNullable(next);
        }
    }

    LaunchPlan fork(Origin.ForkSource source) {
        DataRef snapshot = new DataRef.InImage("offshoot/snapshot-t1-child:" + owner.toString().substring(0, 8));
        return new LaunchPlan(new Owner(owner, "child", "tpl", 1), "app", new Origin.SnapshotOf(source, snapshot),
                Resources.DEFAULTS, new Credentials(null, "su", List.of("SET search_path = pg_catalog"), List.of(),
                        null));
    }

    Instance running(String handle) {
        return new Instance(UUID.randomUUID(), "app", handle, revision, null);
    }

    @Test
    void aForkWhoseSourceWasReplacedDuringTheCopyCopiesTheNewInstanceOnceAndNoMore() {
        List<Source> offered = new ArrayList<>();
        Source afterSecondReset = new Source(running("c-third"), offered, null);
        Source afterReset = new Source(running("c-second"), offered, afterSecondReset);
        Source first = new Source(running("c-first"), offered, afterReset);

        assertThatThrownBy(() -> provisioner.start(fork(first))).isInstanceOf(RuntimeException.class);

        // each failed copy asks its source again (a deleted one answers with its own error); the
        // second source's copy failed too, and the third one offered is never copied
        assertThat(offered).containsExactly(first, afterReset);
        verify(runtime, never()).start(any(), any());
    }

    @Test
    void aFailedCopyWhoseSourceWasNotReplacedFailsTheStartAsItFailed() {
        List<Source> offered = new ArrayList<>();
        Source source = new Source(running("c-source"), offered, null);

        // the checkpoint finds no running server for the source's key: that failure is the answer
        assertThatThrownBy(() -> provisioner.start(fork(source))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no running server");

        assertThat(offered).containsExactly(source);
    }

    @Test
    void destroyRemovesTheContainerReleasesTheKeyThenForgetsThenReleasesTheSnapshot() {
        DataRef snapshot = new DataRef.InImage("offshoot/snapshot-t1-child:1111");
        Runnable forget = mock(Runnable.class);
        when(images.listImages(any())).thenReturn(List.of(snapshot.image()));

        provisioner.destroy(new Instance(owner, "app", "c-child", snapshot, snapshot), forget, Set::of);

        InOrder order = inOrder(runtime, forget, images);
        order.verify(runtime).remove("c-child");
        order.verify(runtime).release(owner.toString());
        order.verify(forget).run();
        order.verify(images).removeImage(snapshot.image());
        verify(runtime, never()).list(anyMap());
    }

    @Test
    void destroyWithoutAHandleRemovesEveryContainerOfTheOwner() {
        when(runtime.list(anyMap())).thenReturn(List.of(
                new ContainerSummary("c-a", "a", "img", Map.of(), "running"),
                new ContainerSummary("c-b", "b", "img", Map.of(), "exited")));

        provisioner.destroy(new Instance(owner, "app", null, revision, null), () -> { }, Set::of);

        verify(runtime).list(eq(Map.of("offshoot.instance", "t1", "offshoot.branch.id", owner.toString())));
        verify(runtime).remove("c-a");
        verify(runtime).remove("c-b");
        verify(images, never()).listImages(any());
    }

    @Test
    void takeDownRefusesDataThisServiceCannotCopyBeforeRemovingAnything() {
        Instance onReflink = new Instance(owner, "app", "c-x", new DataRef.InDirectory("img", "revisions/x"), null);

        assertThatThrownBy(() -> provisioner.takeDown(onReflink))
                .hasMessageContaining("reflink");

        verify(runtime, never()).remove(any());
    }
}
