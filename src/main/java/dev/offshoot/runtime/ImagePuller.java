package dev.offshoot.runtime;

import static dev.offshoot.runtime.DockerCalls.call;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PullResponseItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.offshoot.config.RuntimeProperties;

/**
 * Brings an image the engine lacks: pulled from its registry with progress in the log when a
 * registry can give it ({@link MissingImage}), otherwise reported missing. A pull that fails or
 * outlasts {@code offshoot.runtime.pull-timeout} is {@link ImagePullFailedException}; the caller
 * has created nothing from the image yet.
 */
final class ImagePuller {

    private static final Logger log = LoggerFactory.getLogger(ImagePuller.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final DockerClient docker;
    private final RuntimeProperties properties;
    private final Map<Integer, String> majorImages;
    private final Clock clock;

    /** @param majorImages the base image of each PostgreSQL major (offshoot.postgres.images), named when missing */
    ImagePuller(DockerClient docker, RuntimeProperties properties, Map<Integer, String> majorImages, Clock clock) {
        this.docker = docker;
        this.properties = properties;
        this.majorImages = majorImages;
        this.clock = clock;
    }

    /**
     * Makes a missing image present, or throws why it cannot be; returns false when the engine
     * has the image after all (what was not found was something else).
     */
    boolean pullMissing(String image) {
        if (present(image)) {
            return false;
        }
        switch (MissingImage.of(image, properties, majorImages)) {
            case MissingImage.MadeHere here -> throw here.setting() == null
                    ? new ImageMissingException(image) : new ImageMissingException(image, here.setting());
            case MissingImage.Pull pull -> pull(pull);
        }
        return true;
    }

    private boolean present(String image) {
        return call(() -> {
            try {
                docker.inspectImageCmd(image).exec();
                return true;
            } catch (NotFoundException e) {
                return false;
            }
        });
    }

    private void pull(MissingImage.Pull pull) {
        log.info("image {} is not on the engine: pulling it{}", pull.image(),
                pull.setting() == null ? "" : " (" + pull.setting() + ")");
        Progress callback = new Progress(new PullProgress(pull.image(), PROGRESS_EVERY, clock.instant()));
        Duration timeout = properties.pullTimeout();
        try {
            boolean finished = call(() -> command(pull).exec(callback)).awaitCompletion(timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            if (!finished) {
                callback.close();
                throw new ImagePullFailedException(pull, "it did not finish within " + timeout
                        + " (offshoot.runtime.pull-timeout); " + callback.progress.summary(), null);
            }
        } catch (DockerException | DockerClientException e) {
            throw new ImagePullFailedException(pull, String.valueOf(e.getMessage()).strip(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImagePullFailedException(pull, "the service was interrupted", e);
        } catch (java.io.IOException e) {
            throw new ImagePullFailedException(pull, "the pull could not be stopped: " + e.getMessage(), e);
        }
        log.info("pulled image {} ({})", pull.image(), callback.progress.summary());
    }

    private PullImageCmd command(MissingImage.Pull pull) {
        PullImageCmd command = docker.pullImageCmd(pull.repository());
        return pull.tag() == null ? command : command.withTag(pull.tag());
    }

    /** docker-java's pull callback (which fails the pull on an error in the stream), logging progress. */
    private final class Progress extends PullImageResultCallback {

        private final PullProgress progress;

        Progress(PullProgress progress) {
            this.progress = progress;
        }

        @Override
        public void onNext(PullResponseItem item) {
            super.onNext(item);
            Long current = item.getProgressDetail() == null ? null : item.getProgressDetail().getCurrent();
            Long total = item.getProgressDetail() == null ? null : item.getProgressDetail().getTotal();
            progress.update(item.getId(), item.getStatus(), current, total, clock.instant()).ifPresent(log::info);
        }
    }
}
