package dev.offshoot.runtime.kubernetes;

import java.time.Instant;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

import dev.offshoot.instance.InstanceState;

/**
 * A Pod's status in the runtime's words: Docker's state names for the reconciler's listing, an
 * {@link InstanceState}, and the out-of-memory kills the kubelet reports as a container's
 * (last) termination with reason {@code OOMKilled}.
 */
final class PodStates {

    static final String OOM_KILLED = "OOMKilled";
    /** Why a container could not start because its image is not there. */
    private static final java.util.Set<String> IMAGE_MISSING = java.util.Set.of("ErrImagePull", "ImagePullBackOff",
            "ErrImageNeverPull", "InvalidImageName");

    private PodStates() {
    }

    /** Docker's word for it: created, running, restarting, removing or exited. */
    static String dockerState(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return "removing";
        }
        String phase = phase(pod);
        if (phase.equals("Succeeded") || phase.equals("Failed")) {
            return "exited";
        }
        Optional<ContainerStatus> status = container(pod);
        if (status.isPresent() && status.get().getState() != null) {
            ContainerState state = status.get().getState();
            if (state.getRunning() != null) {
                return "running";
            }
            if (state.getTerminated() != null || status.get().getLastState() != null
                    && status.get().getLastState().getTerminated() != null) {
                return "restarting";
            }
        }
        return "created";
    }

    static InstanceState of(Pod pod) {
        Optional<ContainerStateTerminated> last = lastTermination(pod);
        String state = dockerState(pod);
        // a Pod that is still being scheduled or started counts as running: it has not died
        boolean running = state.equals("running") || state.equals("created");
        return new InstanceState(running, last.map(t -> (long) t.getExitCode()).orElse(0L),
                last.map(t -> OOM_KILLED.equals(t.getReason())).orElse(false), state, memoryLimit(pod));
    }

    /** The container's current termination, or else its last one. */
    static Optional<ContainerStateTerminated> lastTermination(Pod pod) {
        return container(pod).flatMap(s -> {
            if (s.getState() != null && s.getState().getTerminated() != null) {
                return Optional.of(s.getState().getTerminated());
            }
            return s.getLastState() == null ? Optional.empty() : Optional.ofNullable(s.getLastState().getTerminated());
        });
    }

    /** Whether the container was killed for memory between the two instants. */
    static boolean outOfMemoryBetween(Pod pod, Instant since, Instant until) {
        return lastTermination(pod).filter(t -> OOM_KILLED.equals(t.getReason())).map(t -> {
            Instant at = t.getFinishedAt() == null ? until : Instant.parse(t.getFinishedAt());
            return !at.isBefore(since) && at.isBefore(until);
        }).orElse(false);
    }

    /** The reason the container waits to start when that reason is a missing image. */
    static Optional<String> imageMissing(Pod pod) {
        return container(pod).map(ContainerStatus::getState).map(ContainerState::getWaiting)
                .map(w -> w.getReason()).filter(IMAGE_MISSING::contains);
    }

    /** Why the Pod cannot be scheduled, if it cannot. */
    static Optional<String> unschedulable(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
                .map(c -> c.getReason() + ": " + c.getMessage()).findFirst();
    }

    static String phase(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending" : pod.getStatus().getPhase();
    }

    static Optional<String> ip(Pod pod) {
        return Optional.ofNullable(pod.getStatus()).map(s -> s.getPodIP()).filter(ip -> !ip.isBlank());
    }

    private static Optional<ContainerStatus> container(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> PodManifests.CONTAINER.equals(s.getName())).findFirst();
    }

    private static long memoryLimit(Pod pod) {
        return pod.getSpec().getContainers().stream().findFirst()
                .map(c -> c.getResources() == null || c.getResources().getLimits() == null ? null
                        : c.getResources().getLimits().get("memory"))
                .map(q -> Quantity.getAmountInBytes(q).longValue()).orElse(0L);
    }
}
