package dev.offshoot.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The Kubernetes runtime ({@code offshoot.runtime.type=kubernetes}): where branch Pods, their
 * PersistentVolumeClaims and VolumeSnapshots live, and how the Pods are boxed.
 *
 * @param kubeconfig          path of a kubeconfig file; empty means in-cluster (the Pod's service
 *                            account) or, outside a cluster, $KUBECONFIG and ~/.kube/config
 * @param namespace           the namespace of everything Offshoot creates; empty means the
 *                            kubeconfig's (in a cluster: the service's own)
 * @param storageClass        StorageClass of every claim; empty means the cluster's default. Its CSI
 *                            driver must restore VolumeSnapshots (copy-on-write where it can,
 *                            docs/kubernetes.md)
 * @param volumeSnapshotClass VolumeSnapshotClass of every snapshot; empty means the cluster's
 *                            default for the driver
 * @param volumeSize          the size each claim asks for; a clone asks for at least its snapshot's
 *                            restore size
 * @param imagePullPolicy     of every Pod: IfNotPresent, Always or Never
 * @param runAsUser           uid Postgres runs as (the official images' postgres is 999)
 * @param runAsGroup          gid Postgres runs as, also the Pods' fsGroup, which makes a new
 *                            volume's root writable for initdb
 * @param snapshotTimeout     how long a VolumeSnapshot may take to become ready to use
 * @param clusterNetworks     the cluster's Pod and Service ranges (CIDR): a URL import may not reach
 *                            them. Private ranges are refused anyway; list public ones your cluster uses
 * @param serviceHost         the address at which Pods reach the service's own Pod (the chart sets it
 *                            to the Pod's IP): a URL import from a source on the service's loopback,
 *                            where offshoot.templates.allowed-source-hosts allows one, dials it; empty
 *                            refuses such an import, since an import Pod has a loopback of its own
 */
@ConfigurationProperties("offshoot.kubernetes")
public record KubernetesProperties(
        @DefaultValue("") String kubeconfig,
        @DefaultValue("") String namespace,
        @DefaultValue("") String storageClass,
        @DefaultValue("") String volumeSnapshotClass,
        @DefaultValue("10GB") DataSize volumeSize,
        @DefaultValue("IfNotPresent") String imagePullPolicy,
        @DefaultValue("999") long runAsUser,
        @DefaultValue("999") long runAsGroup,
        @DefaultValue("5m") Duration snapshotTimeout,
        @DefaultValue("") List<String> clusterNetworks,
        @DefaultValue("") String serviceHost) {

    public KubernetesProperties {
        if (!serviceHost.isBlank()) {
            try {
                java.net.InetAddress.ofLiteral(serviceHost.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("offshoot.kubernetes.service-host must be an IP address (the chart"
                        + " sets it to the Pod's status.podIP), not '" + serviceHost + "'", e);
            }
        }
    }
}
