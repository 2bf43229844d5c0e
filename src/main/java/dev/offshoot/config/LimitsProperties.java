package dev.offshoot.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The box every container Offshoot starts runs in: branches, template builds, import helpers and
 * the managed metadata store. Besides these limits each container runs with
 * {@code no-new-privileges} and only the capabilities the Postgres entrypoints need.
 *
 * @param memory        memory limit (swap included) of a container without an override
 * @param pids          most processes and threads in one container: Postgres needs one per
 *                      connection plus about ten, so 512 leaves room for max_connections = 100
 * @param cpuShares     relative CPU weight (Docker's default is 1024)
 * @param maxMemory     the most a branch may ask for in {@code resources.memory}
 * @param maxCpuShares  the most a branch may ask for in {@code resources.cpuShares}
 */
@ConfigurationProperties("offshoot.runtime.limits")
public record LimitsProperties(
        @DefaultValue("1GB") DataSize memory,
        @DefaultValue("512") long pids,
        @DefaultValue("1024") int cpuShares,
        @DefaultValue("4GB") DataSize maxMemory,
        @DefaultValue("4096") int maxCpuShares) {
}
