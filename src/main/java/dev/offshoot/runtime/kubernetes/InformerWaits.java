package dev.offshoot.runtime.kubernetes;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * Waiting on what informers keep, instead of asking the API server again: every event of the
 * informers given {@link #handler()} wakes the waits, and a wait re-checks its question on each
 * until it has an answer or its time is up. {@link PodCache} keeps one for Pods and stopped-instance
 * records, the CSI snapshot driver one for claims and VolumeSnapshots.
 */
public final class InformerWaits {

    private final Object changed = new Object();

    /** The handler to give each informer whose events should wake the waits. */
    public <T extends HasMetadata> ResourceEventHandler<T> handler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                signal();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                signal();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                signal();
            }
        };
    }

    private void signal() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    /**
     * Re-checks on every event until {@code check} answers or {@code timeout} passed; empty when
     * the time ran out first.
     */
    public <T> Optional<T> await(Supplier<Optional<T>> check, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (true) {
                Optional<T> answer = check.get();
                long left = deadline - System.nanoTime();
                if (answer.isPresent() || left <= 0) {
                    return answer;
                }
                // events wake it; the bound is a safety net should an informer restart its watch
                changed.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
            }
        }
    }

    /** Whether an object an informer keeps carries all of these labels (listings filter by them). */
    public static boolean carries(HasMetadata object, Map<String, String> labels) {
        Map<String, String> own = object.getMetadata().getLabels();
        return own != null && own.entrySet().containsAll(labels.entrySet());
    }
}
