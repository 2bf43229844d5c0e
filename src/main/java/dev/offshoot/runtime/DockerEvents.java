package dev.offshoot.runtime;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;

/** The engine's event log, read for what happened to containers while nobody watched. */
final class DockerEvents {

    private DockerEvents() {
    }

    /** Ids of the labelled containers in which the kernel killed a process for memory between the instants. */
    static Set<String> outOfMemory(DockerClient docker, Map<String, String> labels, Instant since, Instant until) {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        try {
            // with an end time the engine answers the past events and closes the stream
            docker.eventsCmd().withEventTypeFilter(EventType.CONTAINER)
                    .withEventFilter("oom").withLabelFilter(labels)
                    .withSince(timestamp(since)).withUntil(timestamp(until))
                    .exec(new ResultCallback.Adapter<Event>() {
                        @Override
                        public void onNext(Event event) {
                            ids.add(event.getId());
                        }
                    }).awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Set.copyOf(ids);
    }

    private static String timestamp(Instant instant) {
        return instant.getEpochSecond() + "." + String.format("%09d", instant.getNano());
    }
}
