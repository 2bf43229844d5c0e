package dev.offshoot.runtime;

import java.util.List;
import java.util.Map;

/**
 * A Postgres container to start.
 *
 * @param name        container name, unique on the engine
 * @param image       image reference or id
 * @param env         environment (may hold secrets: never log a spec)
 * @param labels      labels that let the reconciler find it again
 * @param bindAddress host address port 5432 is published on
 * @param hostPort    host port, or 0 for one chosen by the engine
 * @param volumeBinds named volume or host directory to container path: the metadata store's volume,
 *                    or a storage driver's data directory mounted as PGDATA
 * @param restartOnEngineRestart whether the engine brings it back after its own restart
 * @param command     command override, empty for the image's default
 * @param resources   memory and CPU beyond the configured defaults (limits apply to every container)
 */
public record ContainerSpec(
        String name,
        String image,
        Map<String, String> env,
        Map<String, String> labels,
        String bindAddress,
        int hostPort,
        Map<String, String> volumeBinds,
        boolean restartOnEngineRestart,
        List<String> command,
        Resources resources) {

    /** A container with the configured default resources. */
    public ContainerSpec(String name, String image, Map<String, String> env, Map<String, String> labels,
            String bindAddress, int hostPort, Map<String, String> volumeBinds, boolean restartOnEngineRestart,
            List<String> command) {
        this(name, image, env, labels, bindAddress, hostPort, volumeBinds, restartOnEngineRestart, command,
                Resources.DEFAULTS);
    }

    @Override
    public String toString() {
        return "ContainerSpec[name=" + name + ", image=" + image + ", port=" + hostPort + "]";
    }
}
