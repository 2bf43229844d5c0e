package dev.offshoot.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

import dev.offshoot.TestDocker;

/**
 * Runs a Pod's container on the local Docker engine as a kubelet would: its image and arguments,
 * the Pod's uid, gid and fsGroup, every capability dropped, no new privileges, a read-only root
 * filesystem where the Pod asks for one, the memory limit, its claims bind-mounted and its
 * emptyDirs as tmpfs. The container carries the Pod's labels, so tests' cleanup by label finds it.
 */
final class DockerEngine implements Engine {

    private final DockerClient docker = TestDocker.client();

    @Override
    public Started start(Pod pod, Map<String, String> env, Map<Path, String> claims, List<String> scratch) {
        var container = pod.getSpec().getContainers().getFirst();
        var security = pod.getSpec().getSecurityContext();
        long memory = container.getResources() == null || container.getResources().getLimits() == null
                || container.getResources().getLimits().get("memory") == null ? 0
                : Quantity.getAmountInBytes(container.getResources().getLimits().get("memory")).longValue();
        Map<String, String> tmpfs = new LinkedHashMap<>();
        scratch.forEach(path -> tmpfs.put(path, "rw,exec,mode=1777"));
        HostConfig host = HostConfig.newHostConfig()
                .withBinds(claims.entrySet().stream().map(c -> new Bind(c.getKey().toString(), new Volume(c.getValue())))
                        .toList())
                .withTmpFs(tmpfs)
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withReadonlyRootfs(Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem()));
        if (memory > 0) {
            host.withMemory(memory).withMemorySwap(memory);
        }
        if (security.getFsGroup() != null) {
            host.withGroupAdd(List.of(String.valueOf(security.getFsGroup())));
        }
        Map<String, String> labels = new LinkedHashMap<>(pod.getMetadata().getLabels());
        labels.put("offshoot.test.pod", pod.getMetadata().getName());
        var create = docker.createContainerCmd(container.getImage())
                .withName("k8s-" + pod.getMetadata().getName())
                .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                .withUser(security.getRunAsUser() + ":" + security.getRunAsGroup())
                .withLabels(labels)
                .withHostConfig(host);
        if (container.getArgs() != null && !container.getArgs().isEmpty()) {
            create.withCmd(container.getArgs());
        }
        String id;
        try {
            id = create.exec().getId();
        } catch (NotFoundException e) {
            throw new FakeKubelet.ImageMissing(container.getImage());
        }
        docker.startContainerCmd(id).exec();
        String ip = docker.inspectContainerCmd(id).exec().getNetworkSettings().getIpAddress();
        return new Started(id, ip);
    }

    @Override
    public Exit awaitExit(String id) {
        try {
            int code = docker.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode();
            boolean oom = Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getOOMKilled());
            return new Exit(code, oom);
        } catch (RuntimeException e) {
            return new Exit(137, false);
        }
    }

    @Override
    public void restart(String id) {
        try {
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            // removed meanwhile
        }
    }

    @Override
    public void stop(String id, int graceSeconds) {
        try {
            docker.stopContainerCmd(id).withTimeout(graceSeconds).exec();
        } catch (RuntimeException e) {
            // stopped or gone
        }
    }

    @Override
    public void remove(String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (RuntimeException e) {
            // gone
        }
    }

    @Override
    public void freeze(String id) {
        if (Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getRunning())) {
            docker.pauseContainerCmd(id).exec();
        }
    }

    @Override
    public void thaw(String id) {
        if (Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getPaused())) {
            docker.unpauseContainerCmd(id).exec();
        }
    }

    @Override
    public Process exec(String id, List<String> command) {
        List<String> argv = new ArrayList<>(List.of("docker", "exec", "-i", id));
        argv.addAll(command);
        try {
            return new ProcessBuilder(argv).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String logs(String id, int tail) {
        try {
            Process p = new ProcessBuilder("docker", "logs", "--tail", String.valueOf(tail), id)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
