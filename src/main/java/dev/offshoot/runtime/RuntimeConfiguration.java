package dev.offshoot.runtime;

import java.time.Clock;

import com.github.dockerjava.api.DockerClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.offshoot.config.LimitsProperties;
import dev.offshoot.config.RuntimeProperties;

@Configuration(proxyBeanMethods = false)
class RuntimeConfiguration {

    @Bean(destroyMethod = "close")
    DockerClient dockerClient(RuntimeProperties properties) {
        return DockerClientFactory.create(properties.dockerHost());
    }

    @Bean
    ContainerRuntime containerRuntime(DockerClient dockerClient, LimitsProperties limits, RuntimeProperties properties,
            ObjectProvider<JdbcTemplate> jdbc) {
        // the template is looked up on first use: the managed metadata store is started through this runtime
        HostPorts ports = new HostPorts(new JdbcPortTable(jdbc), new PortAllocator(properties), properties);
        return new DockerRuntime(dockerClient, new ContainerBox(limits.memory().toBytes(), limits.pids(),
                limits.cpuShares()), properties, ports, new BranchNetwork(dockerClient, properties.network()),
                new ImagePuller(dockerClient, properties, Clock.systemUTC()));
    }

    @Bean
    ImageStore imageStore(DockerClient dockerClient) {
        return new DockerImages(dockerClient);
    }
}
