package dev.offshoot.runtime;

import java.util.List;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;

import dev.offshoot.instance.Resources;

/**
 * Limits and privileges of every container: a memory limit (no swap beyond it), a pids limit, CPU
 * shares, {@code no-new-privileges}, and all capabilities dropped but the few the entrypoints need
 * as root before they drop to the postgres user (setpriv here, gosu in the official images): chown
 * and chmod of a new PGDATA and the socket directory, then setuid/setgid.
 *
 * @param memoryBytes default memory limit
 * @param pids        pids limit
 * @param cpuShares   default CPU shares
 */
public record ContainerBox(long memoryBytes, long pids, int cpuShares) {

    static final List<Capability> POSTGRES_CAPABILITIES = List.of(Capability.CHOWN, Capability.DAC_OVERRIDE,
            Capability.FOWNER, Capability.SETGID, Capability.SETUID);

    /** Applies the box to a container's host configuration; {@code capabilities} are the only ones kept. */
    HostConfig apply(HostConfig hostConfig, Resources resources, List<Capability> capabilities) {
        long memory = resources.memoryBytes() > 0 ? resources.memoryBytes() : memoryBytes;
        hostConfig.withMemory(memory).withMemorySwap(memory)
                .withPidsLimit(pids)
                .withCpuShares(resources.cpuShares() > 0 ? resources.cpuShares() : cpuShares)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withCapDrop(Capability.ALL);
        if (!capabilities.isEmpty()) {
            hostConfig.withCapAdd(capabilities.toArray(Capability[]::new));
        }
        return hostConfig;
    }
}
