package dev.offshoot.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * An engine for unit tests: a "container" is a record with an address and no process; exec runs
 * the command as a local process; a test makes a container exit (or be killed for memory).
 */
public final class LocalEngine implements Engine {

    /** An image this engine has not got. */
    public static final String MISSING_IMAGE = "registry.invalid/none:1";

    private final AtomicInteger addresses = new AtomicInteger(10);
    private final Map<String, BlockingQueue<Exit>> exits = new ConcurrentHashMap<>();
    private final Map<String, String> byPod = new ConcurrentHashMap<>();
    private final Set<String> frozen = ConcurrentHashMap.newKeySet();
    /** Seconds an exec'd command sleeps before it starts reading, as a process on a loaded node does. */
    private volatile int execDelaySeconds;
    private final Map<String, Map<String, String>> environments = new ConcurrentHashMap<>();

    @Override
    public Started start(Pod pod, Map<String, String> env, Map<Path, String> claims, List<String> scratch) {
        String image = pod.getSpec().getContainers().getFirst().getImage();
        if (MISSING_IMAGE.equals(image)) {
            throw new FakeKubelet.ImageMissing(image);
        }
        String id = "local-" + pod.getMetadata().getName() + "-" + addresses.get();
        exits.put(id, new LinkedBlockingQueue<>());
        byPod.put(pod.getMetadata().getName(), id);
        environments.put(id, Map.copyOf(env));
        return new Started(id, "10.244.0." + addresses.getAndIncrement());
    }

    /** Makes the Pod's container exit, as if the kernel killed it for memory when {@code oom}. */
    public void exit(String pod, int code, boolean oom) {
        exits.get(byPod.get(pod)).add(new Exit(code, oom));
    }

    /** The environment the Pod's container was started with. */
    public Map<String, String> environmentOf(String pod) {
        return environments.get(byPod.get(pod));
    }

    public boolean isFrozen(String pod) {
        return frozen.contains(byPod.get(pod));
    }

    @Override
    public Exit awaitExit(String id) {
        try {
            return exits.get(id).take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Exit(137, false);
        }
    }

    @Override
    public void restart(String id) {
    }

    @Override
    public void stop(String id, int graceSeconds) {
        BlockingQueue<Exit> queue = exits.get(id);
        if (queue != null) {
            queue.add(new Exit(0, false));
        }
    }

    @Override
    public void remove(String id) {
        exits.remove(id);
    }

    @Override
    public void freeze(String id) {
        frozen.add(id);
    }

    @Override
    public void thaw(String id) {
        frozen.remove(id);
    }

    /** Makes every later exec sleep this long before its command starts (and reads its input). */
    public void delayExecs(int seconds) {
        execDelaySeconds = seconds;
    }

    @Override
    public Process exec(String id, List<String> command) {
        List<String> argv = command;
        if (execDelaySeconds > 0) {
            argv = new java.util.ArrayList<>(List.of("sh", "-c", "sleep " + execDelaySeconds + "; exec \"$@\"", "sh"));
            argv.addAll(command);
        }
        try {
            return new ProcessBuilder(argv).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String logs(String id, int tail) {
        return "log of " + id;
    }
}
