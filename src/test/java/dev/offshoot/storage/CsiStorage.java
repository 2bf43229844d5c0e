package dev.offshoot.storage;

import dev.offshoot.config.KubernetesProperties;
import dev.offshoot.runtime.kubernetes.KubernetesClients;

/** The CSI snapshot storage as the service wires it, for tests outside this package. */
public final class CsiStorage {

    private CsiStorage() {
    }

    public static Storage of(KubernetesClients clients, KubernetesProperties properties, String instanceId) {
        return Storage.csiOnly(new CsiSnapshotDriver(new VolumeSnapshots(clients.client(), clients.namespace(),
                properties, instanceId), instanceId), "test");
    }
}
