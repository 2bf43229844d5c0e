package dev.offshoot.k8s;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * What the fake kubelet runs a Pod's container on: the local Docker engine for the integration
 * tests ({@link DockerEngine}), or nothing but local processes for unit tests ({@link LocalEngine}).
 */
public interface Engine {

    /** Creates and starts the Pod's container; returns its id and address. */
    Started start(Pod pod, Map<String, String> env, Map<Path, String> claims, List<String> scratch);

    /** Blocks until the container exits. */
    Exit awaitExit(String id);

    void restart(String id);

    void stop(String id, int graceSeconds);

    void remove(String id);

    void freeze(String id);

    void thaw(String id);

    /** A process running the command in the container, its standard streams the exec's. */
    Process exec(String id, List<String> command);

    String logs(String id, int tail);

    record Started(String id, String ip) {
    }

    record Exit(int code, boolean oomKilled) {
    }
}
