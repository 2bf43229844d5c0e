package dev.offshoot.runtime;

import static dev.offshoot.runtime.DockerCalls.call;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;

/** {@link ImageStore} on a Docker engine through docker-java. */
public class DockerImages implements ImageStore {

    private final DockerClient docker;

    public DockerImages(DockerClient docker) {
        this.docker = docker;
    }

    @Override
    public String commit(String containerId, ImageRef target, Map<String, String> labels, List<String> envOverrides) {
        return call(() -> docker.commitCmd(containerId)
                .withRepository(target.repository())
                .withTag(target.tag())
                .withLabels(labels)
                .withEnv(envOverrides.toArray(String[]::new))
                .withPause(true)
                .exec());
    }

    @Override
    public Optional<ImageInfo> inspectImage(String imageRef) {
        return call(() -> {
            try {
                var image = docker.inspectImageCmd(imageRef).exec();
                Map<String, String> labels = image.getConfig() == null || image.getConfig().getLabels() == null
                        ? Map.of() : image.getConfig().getLabels();
                return Optional.of(new ImageInfo(image.getId(), image.getSize() == null ? 0 : image.getSize(), labels));
            } catch (NotFoundException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public List<String> listImages(Map<String, String> labels) {
        return call(() -> docker.listImagesCmd().withLabelFilter(labels).exec().stream()
                .flatMap(i -> i.getRepoTags() == null ? Stream.<String>empty() : Arrays.stream(i.getRepoTags()))
                .filter(tag -> !tag.equals("<none>:<none>"))
                .toList());
    }

    @Override
    public Optional<Long> writableLayerBytes(String containerId) {
        return call(() -> {
            try {
                return Optional.ofNullable(docker.inspectContainerCmd(containerId).withSize(true).exec().getSizeRw());
            } catch (NotFoundException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public boolean removeImage(String imageRef) {
        return call(() -> {
            try {
                docker.removeImageCmd(imageRef).exec();
            } catch (NotFoundException gone) {
                // already gone
            } catch (ConflictException inUse) {
                return false;
            }
            return true;
        });
    }
}
