package dev.offshoot;

import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;

import dev.offshoot.runtime.DockerClientFactory;
import dev.offshoot.runtime.Labels;

/** Direct access to the engine for assertions and cleanup, independent of the service under test. */
public final class TestDocker {

    private static DockerClient client;

    private TestDocker() {
    }

    public static synchronized DockerClient client() {
        if (client == null) {
            client = DockerClientFactory.create("");
        }
        return client;
    }

    public static List<Container> containersOf(String instanceId) {
        return client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.INSTANCE, instanceId)).exec();
    }

    public static List<String> imagesOf(String instanceId) {
        return client().listImagesCmd().withLabelFilter(Map.of(Labels.INSTANCE, instanceId)).exec().stream()
                .map(i -> i.getId()).toList();
    }

    /** Runs a command in a container as the given user and returns its output (stdout and stderr). */
    public static String exec(String containerId, String user, String... command) {
        String execId = client().execCreateCmd(containerId).withUser(user).withCmd(command)
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        StringBuilder out = new StringBuilder();
        try {
            client().execStartCmd(execId).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<
                    com.github.dockerjava.api.model.Frame>() {
                @Override
                public void onNext(com.github.dockerjava.api.model.Frame frame) {
                    synchronized (out) {
                        out.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            }).awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        synchronized (out) {
            return out.toString();
        }
    }

    /** The uid and gid of the image's postgres user (the Pods of the Kubernetes runtime run as them). */
    public static synchronized long[] postgresIds(String image) {
        if (postgresIds == null) {
            try {
                Process p = new ProcessBuilder("docker", "run", "--rm", "--entrypoint", "sh", image, "-c",
                        "id -u postgres; id -g postgres").start();
                String[] lines = new String(p.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8).strip().split("\\s+");
                p.waitFor();
                postgresIds = new long[] {Long.parseLong(lines[0]), Long.parseLong(lines[1])};
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return postgresIds;
    }

    private static long[] postgresIds;

    /** The Docker network branch containers sit on (offshoot.runtime.network's default). */
    public static final String BRANCH_NETWORK = "offshoot-branches";

    /**
     * Branch containers as the gateway needs them: each publishes no host port, sits on the branch
     * network at an address of its own, and carries the instance key of the row that holds it.
     *
     * @param keyByHandle each live row's container id and its instance key (the branch id)
     */
    public static void assertOnTheBranchNetwork(List<Container> containers, Map<String, String> keyByHandle) {
        java.util.Set<String> addresses = new java.util.HashSet<>();
        for (Container c : containers) {
            String name = c.getNames()[0];
            org.assertj.core.api.Assertions.assertThat(java.util.Arrays.stream(c.getPorts())
                    .map(com.github.dockerjava.api.model.ContainerPort::getPublicPort)
                    .filter(java.util.Objects::nonNull).toList()).as("host ports published by %s", name).isEmpty();
            var network = c.getNetworkSettings().getNetworks().get(BRANCH_NETWORK);
            org.assertj.core.api.Assertions.assertThat(network).as("%s on %s", name, BRANCH_NETWORK).isNotNull();
            org.assertj.core.api.Assertions.assertThat(addresses.add(network.getIpAddress()))
                    .as("address %s of %s used once", network.getIpAddress(), name).isTrue();
            org.assertj.core.api.Assertions.assertThat(c.getLabels().get("offshoot.instance-key"))
                    .as("instance key of %s", name).isEqualTo(keyByHandle.get(c.getId()));
        }
    }

    /** Removes what a test run left, so a failed test cannot leak into the next run. */
    public static void removeEverythingOf(String instanceId) {
        for (Container c : containersOf(instanceId)) {
            try {
                client().removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException ignored) {
                // gone already
            } catch (ConflictException removing) {
                // "removal already in progress": the service is removing it itself (a migration
                // check deletes its throwaway copy after answering)
            }
        }
        for (int round = 0; round < 5 && !imagesOf(instanceId).isEmpty(); round++) {
            for (String image : imagesOf(instanceId)) {
                try {
                    client().removeImageCmd(image).withForce(true).exec();
                } catch (RuntimeException ignored) {
                    // a child image still depends on it: the next round removes it
                }
            }
        }
        removeStorageOf(instanceId);
    }

    /** The reflink storage root the service under test uses (the same default and variable). */
    public static java.nio.file.Path storagePath() {
        String configured = System.getProperty("offshoot.storage.path", System.getenv("OFFSHOOT_STORAGE_PATH"));
        return java.nio.file.Path.of(configured == null || configured.isBlank() ? "/var/lib/offshoot/storage"
                : configured);
    }

    /** Removes this run's data directories (revisions, snapshots, branches) under the storage root. */
    public static void removeStorageOf(String instanceId) {
        // the service may still be deleting a directory in there (a check's throwaway copy): a file
        // it took first fails one walk, the next walk finds the rest
        for (int attempt = 1; ; attempt++) {
            try {
                org.springframework.util.FileSystemUtils.deleteRecursively(storagePath().resolve(instanceId));
                return;
            } catch (java.io.IOException e) {
                if (attempt == 5) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }
}
