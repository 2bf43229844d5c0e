package dev.offshoot.runtime;

import com.github.dockerjava.api.DockerClient;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.offshoot.config.LimitsProperties;
import dev.offshoot.config.RuntimeProperties;

@Configuration(proxyBeanMethods = false)
class RuntimeConfiguration {

    @Bean(destroyMethod = "close")
    DockerClient dockerClient(RuntimeProperties properties) {
        return DockerClientFactory.create(properties.dockerHost());
    }

    @Bean
    ContainerRuntime containerRuntime(DockerClient dockerClient, LimitsProperties limits, Endpoints endpoints) {
        return new DockerRuntime(dockerClient, new ContainerBox(limits.memory().toBytes(), limits.pids(),
                limits.cpuShares()), endpoints);
    }

    @Bean
    ImageStore imageStore(DockerClient dockerClient) {
        return new DockerImages(dockerClient);
    }

    @Bean
    PortAllocator portAllocator(RuntimeProperties properties) {
        return new PortAllocator(properties);
    }
}
