package dev.offshoot.runtime;

import java.util.List;
import java.util.Map;

import dev.offshoot.instance.Resources;

/**
 * A Postgres container to start.
 *
 * @param name        container name, unique on the engine
 * @param instanceKey the instance's stable key (a branch's id): instances started under the same key
 *                    answer at the same endpoint (Docker: the key keeps its host port until
 *                    {@link ContainerRuntime#release} ), so connection strings survive re-creation;
 *                    null for an instance published on {@code hostPort} instead
 * @param image       image reference or id
 * @param env         environment (may hold secrets: never log a spec)
 * @param labels      labels that let the reconciler find it again
 * @param bindAddress host address port 5432 is published on when there is no instance key (with
 *                    one, offshoot.runtime.bind-address)
 * @param hostPort    host port when there is no instance key, or 0 for one chosen by the engine
 * @param volumeBinds named volume or host directory to container path: the metadata store's volume,
 *                    or a storage driver's data directory mounted as PGDATA
 * @param restartOnEngineRestart whether the engine brings it back after its own restart
 * @param command     command override, empty for the image's default
 * @param resources   memory and CPU beyond the configured defaults (limits apply to every container)
 * @param dataGate    a file inside the instance whose presence holds its server back: such an
 *                    instance may start before its data is in place, and its server starts once
 *                    the storage driver has filled the data and removed the file; null when the data
 *                    must be complete before the instance starts
 */
public record ContainerSpec(
        String name,
        String instanceKey,
        String image,
        Map<String, String> env,
        Map<String, String> labels,
        String bindAddress,
        int hostPort,
        Map<String, String> volumeBinds,
        boolean restartOnEngineRestart,
        List<String> command,
        Resources resources,
        String dataGate) {

    /** A container without an instance key, with the configured default resources. */
    public ContainerSpec(String name, String image, Map<String, String> env, Map<String, String> labels,
            String bindAddress, int hostPort, Map<String, String> volumeBinds, boolean restartOnEngineRestart,
            List<String> command) {
        this(name, null, image, env, labels, bindAddress, hostPort, volumeBinds, restartOnEngineRestart, command,
                Resources.DEFAULTS, null);
    }

    /** A keyed instance that the engine restarts with itself; its endpoint is the key's. */
    public static ContainerSpec keyed(String name, String instanceKey, String image, Map<String, String> env,
            Map<String, String> labels, Map<String, String> volumeBinds, Resources resources) {
        return new ContainerSpec(name, instanceKey, image, env, labels, null, 0, volumeBinds, true, List.of(),
                resources, null);
    }

    /** This spec with more environment (over what it has: a caller's setting wins over the data's). */
    public ContainerSpec withEnv(Map<String, String> more) {
        Map<String, String> merged = new java.util.LinkedHashMap<>(env);
        merged.putAll(more);
        return new ContainerSpec(name, instanceKey, image, Map.copyOf(merged), labels, bindAddress, hostPort,
                volumeBinds, restartOnEngineRestart, command, resources, dataGate);
    }

    public ContainerSpec withLabels(Map<String, String> labels) {
        return new ContainerSpec(name, instanceKey, image, env, labels, bindAddress, hostPort, volumeBinds,
                restartOnEngineRestart, command, resources, dataGate);
    }

    public ContainerSpec withCommand(List<String> command) {
        return new ContainerSpec(name, instanceKey, image, env, labels, bindAddress, hostPort, volumeBinds,
                restartOnEngineRestart, command, resources, dataGate);
    }

    public ContainerSpec withResources(Resources resources) {
        return new ContainerSpec(name, instanceKey, image, env, labels, bindAddress, hostPort, volumeBinds,
                restartOnEngineRestart, command, resources, dataGate);
    }

    /** This spec with a data gate (see the record's {@code dataGate}). */
    public ContainerSpec withDataGate(String dataGate) {
        return new ContainerSpec(name, instanceKey, image, env, labels, bindAddress, hostPort, volumeBinds,
                restartOnEngineRestart, command, resources, dataGate);
    }

    @Override
    public String toString() {
        return "ContainerSpec[name=" + name + ", key=" + instanceKey + ", image=" + image + ", port=" + hostPort + "]";
    }
}
