package dev.offshoot.runtime;

import java.time.Clock;

import com.github.dockerjava.api.DockerClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.offshoot.config.KubernetesProperties;
import dev.offshoot.config.LimitsProperties;
import dev.offshoot.config.PostgresProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.runtime.kubernetes.KubernetesClients;
import dev.offshoot.runtime.kubernetes.KubernetesRuntime;

/**
 * Chooses the runtime once, by {@code offshoot.runtime.type}: {@code docker} (the default: a Docker
 * engine through docker-java) or {@code kubernetes} (Pods through fabric8's client).
 */
@Configuration(proxyBeanMethods = false)
class RuntimeConfiguration {

    static final String TYPE = "offshoot.runtime.type";

    RuntimeConfiguration(Environment environment) {
        String type = environment.getProperty(TYPE, "docker");
        if (!type.equals("docker") && !type.equals("kubernetes")) {
            throw new IllegalStateException(TYPE + " must be docker or kubernetes, not '" + type + "'");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = TYPE, havingValue = "docker", matchIfMissing = true)
    static class Docker {

        @Bean(destroyMethod = "close")
        DockerClient dockerClient(RuntimeProperties properties) {
            return DockerClientFactory.create(properties.dockerHost());
        }

        @Bean
        ContainerRuntime containerRuntime(DockerClient dockerClient, LimitsProperties limits,
                RuntimeProperties properties, PostgresProperties postgres, ObjectProvider<JdbcTemplate> jdbc) {
            // the template is looked up on first use: the managed metadata store is started through this runtime
            HostPorts ports = new HostPorts(new JdbcPortTable(jdbc), new PortAllocator(properties), properties);
            return new DockerRuntime(dockerClient, new ContainerBox(limits.memory().toBytes(), limits.pids(),
                    limits.cpuShares()), properties, ports, new BranchNetwork(dockerClient, properties.network()),
                    new ImagePuller(dockerClient, properties, postgres.images(), Clock.systemUTC()));
        }

        @Bean
        ImageStore imageStore(DockerClient dockerClient) {
            return new DockerImages(dockerClient);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = TYPE, havingValue = "kubernetes")
    static class Kubernetes {

        @Bean(destroyMethod = "close")
        KubernetesClients kubernetesClients(KubernetesProperties properties) {
            return KubernetesClients.connect(properties);
        }

        @Bean(destroyMethod = "close")
        ContainerRuntime containerRuntime(KubernetesClients clients, KubernetesProperties kubernetes,
                RuntimeProperties properties, LimitsProperties limits) {
            return new KubernetesRuntime(clients.client(), clients.namespace(), kubernetes, properties, limits);
        }
    }
}
