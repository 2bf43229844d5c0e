package dev.offshoot.runtime.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import dev.offshoot.config.KubernetesProperties;

/** The client of the cluster Offshoot runs branches on, and the namespace they live in. */
public record KubernetesClients(KubernetesClient client, String namespace) implements AutoCloseable {

    /** From offshoot.kubernetes.kubeconfig, or in-cluster / $KUBECONFIG / ~/.kube/config when it is empty. */
    public static KubernetesClients connect(KubernetesProperties properties) {
        Config config;
        if (properties.kubeconfig().isBlank()) {
            config = Config.autoConfigure(null);
        } else {
            try {
                config = Config.fromKubeconfig(Files.readString(Path.of(properties.kubeconfig())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read offshoot.kubernetes.kubeconfig", e);
            }
        }
        String namespace = !properties.namespace().isBlank() ? properties.namespace()
                : config.getNamespace() != null ? config.getNamespace() : "default";
        config.setNamespace(namespace);
        return new KubernetesClients(new KubernetesClientBuilder().withConfig(config).build(), namespace);
    }

    @Override
    public void close() {
        client.close();
    }
}
