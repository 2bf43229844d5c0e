package dev.offshoot.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A pull's progress as the engine streams it (one status per layer and step), summed into one line
 * for the log at most once per {@code every}: layers done of layers seen, megabytes downloaded of
 * megabytes known. Not thread-safe: one pull's callback feeds it.
 */
final class PullProgress {

    private final String image;
    private final Duration every;
    private final Map<String, Long> downloaded = new HashMap<>();
    private final Map<String, Long> sizes = new HashMap<>();
    private final Set<String> layers = new HashSet<>();
    private final Set<String> done = new HashSet<>();
    private Instant lastLine;

    PullProgress(String image, Duration every, Instant start) {
        this.image = image;
        this.every = every;
        this.lastLine = start;
    }

    /**
     * Takes one status of the stream; returns a line to log when one is due. Statuses without a
     * layer (the digest, the final status) only count towards nothing.
     */
    Optional<String> update(String layer, String status, Long current, Long total, Instant now) {
        if (layer != null && status != null && !status.startsWith("Pulling from")) {
            layers.add(layer);
            if (status.equals("Downloading") && current != null) {
                downloaded.put(layer, current);
                if (total != null && total > 0) {
                    sizes.put(layer, total);
                }
            } else if (status.equals("Download complete")) {
                sizes.computeIfPresent(layer, (k, size) -> {
                    downloaded.put(layer, size);
                    return size;
                });
            } else if (status.equals("Pull complete") || status.equals("Already exists")) {
                done.add(layer);
            }
        }
        if (Duration.between(lastLine, now).compareTo(every) < 0) {
            return Optional.empty();
        }
        lastLine = now;
        return Optional.of(summary());
    }

    String summary() {
        return "pulling " + image + ": " + done.size() + " of " + layers.size() + " layers done, "
                + megabytes(sum(downloaded)) + " of " + megabytes(sum(sizes)) + " MB downloaded";
    }

    private static long sum(Map<String, Long> bytes) {
        return bytes.values().stream().mapToLong(Long::longValue).sum();
    }

    private static long megabytes(long bytes) {
        return bytes / (1024 * 1024);
    }
}
