package dev.offshoot.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * More than one replica of the service against one metadata store (docs/replicas.md): each
 * replica keeps one session to the store that holds its per-name locks and, on the leader, the
 * leader lock of the background jobs.
 *
 * @param leaderCheckInterval how often a replica tries to become the leader and the leader checks
 *                            that its session (and so its lock) is still there: after the leader's
 *                            process dies, the others take over within this long
 * @param group               replicas with the same instance id and group elect one leader; a
 *                            deployment leaves it empty. Only tests that run several services
 *                            against one store and instance id, each with its own jobs, set it
 * @param sessionTimeout      how long one call on the lock session may take before the session
 *                            counts as broken and is opened again; also, through TCP keepalives,
 *                            about how long the store waits before it ends the session of a replica
 *                            whose host vanished, and so releases its locks
 */
@ConfigurationProperties("offshoot.replicas")
public record ReplicaProperties(
        @DefaultValue("2s") Duration leaderCheckInterval,
        @DefaultValue("") String group,
        @DefaultValue("30s") Duration sessionTimeout) {

    public ReplicaProperties {
        if (leaderCheckInterval.isNegative() || leaderCheckInterval.isZero()) {
            throw new IllegalArgumentException("offshoot.replicas.leader-check-interval must be positive");
        }
        if (sessionTimeout.toSeconds() < 3) {
            throw new IllegalArgumentException("offshoot.replicas.session-timeout must be at least 3s");
        }
    }
}
