package dev.offshoot.runtime;

import java.time.Duration;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

/** Builds the docker-java client: httpclient5 transport, local socket or DOCKER_HOST. */
public final class DockerClientFactory {

    private DockerClientFactory() {
    }

    /** A client for the given engine address; blank means DOCKER_HOST or the local socket. */
    public static DockerClient create(String dockerHost) {
        DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig.createDefaultConfigBuilder();
        if (!dockerHost.isBlank()) {
            config.withDockerHost(dockerHost);
        }
        DefaultDockerClientConfig clientConfig = config.build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .sslConfig(clientConfig.getSSLConfig())
                .maxConnections(50)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(10))
                .build();
        return DockerClientImpl.getInstance(clientConfig, http);
    }
}
