package dev.offshoot.runtime.kubernetes;

import java.util.Comparator;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import dev.offshoot.postgres.LogSecrets;

/**
 * Why a Pod does not start, as the cluster says it in the Pod's Warning events: the scheduler's
 * FailedScheduling, the kubelet's FailedMount or FailedAttachVolume, an image's ErrImagePull or
 * BackOff. Read once, when a start has failed (never while waiting), by a field selector on the
 * Pod's name; the Pod's uid is checked too, since an event may outlive a Pod of the same name.
 */
final class PodEvents {

    /** Longer messages are cut: they end up in a problem detail. */
    static final int MAX_MESSAGE = 300;

    /** A Warning event's reason and message. */
    record Warning(String reason, String message) {

        @Override
        public String toString() {
            return reason + ": " + message;
        }
    }

    private PodEvents() {
    }

    /** The Pod's newest Warning; empty when there is none or the events cannot be read. */
    static Optional<Warning> lastWarning(KubernetesClient client, String namespace, String pod, String uid) {
        try {
            return client.v1().events().inNamespace(namespace).withField("involvedObject.name", pod).list()
                    .getItems().stream()
                    .filter(e -> "Warning".equals(e.getType()) && about(e, pod, uid))
                    .max(Comparator.comparing(PodEvents::when))
                    .map(e -> new Warning(String.valueOf(e.getReason()), cut(e.getMessage())));
        } catch (KubernetesClientException e) {
            // the events are an explanation; a failed read of them must not hide the failure itself
            return Optional.empty();
        }
    }

    private static boolean about(Event event, String pod, String uid) {
        var object = event.getInvolvedObject();
        return object != null && "Pod".equals(object.getKind()) && pod.equals(object.getName())
                && (uid == null || object.getUid() == null || uid.equals(object.getUid()));
    }

    private static String when(Event event) {
        // RFC 3339 instants of one format sort as text; eventTime is the newer API's, lastTimestamp the older
        if (event.getLastTimestamp() != null) {
            return event.getLastTimestamp();
        }
        if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
            return event.getEventTime().getTime();
        }
        return String.valueOf(event.getMetadata().getCreationTimestamp());
    }

    private static String cut(String message) {
        String clean = LogSecrets.masked(message == null ? "" : message.strip().replaceAll("\\s+", " "));
        return clean.length() <= MAX_MESSAGE ? clean : clean.substring(0, MAX_MESSAGE) + "...";
    }
}
