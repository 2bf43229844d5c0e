package dev.offshoot.gateway;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.offshoot.config.GatewayProperties;
import dev.offshoot.config.RuntimeProperties;

/**
 * The gateway's parts. Its TLS comes from the operator's files when both are configured, otherwise
 * from the certificate authority in the metadata store, signing a certificate for the host and
 * domain connection strings name.
 */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

    @Bean
    GatewayTls gatewayTls(GatewayProperties properties, RuntimeProperties runtime, AuthorityStore store) {
        if (properties.tls().fromFiles()) {
            return GatewayTls.fromFiles(properties);
        }
        String host = properties.advertisedHost(runtime);
        return GatewayTls.signedBy(properties, store.load("Offshoot gateway CA (" + runtime.instanceId() + ")"), host);
    }

    @Bean
    CancelKeys cancelKeys() {
        return new CancelKeys();
    }

    @Bean
    Connections gatewayConnections() {
        return new Connections();
    }

    @Bean
    ReplicaCancels replicaCancels(JdbcConnectionDetails store, JdbcTemplate jdbc, CancelKeys cancels) {
        return new ReplicaCancels(store, jdbc, cancels);
    }

    @Bean
    ClientPipeline clientPipeline(GatewayProperties properties, GatewayTls tls, BranchDirectory directory,
            CancelKeys cancels, Connections connections, MeterRegistry meters, ReplicaCancels replicaCancels) {
        // look-ups and wakes block on the metadata store and the engine: virtual threads, never the event loops
        Executor blocking = Executors.newVirtualThreadPerTaskExecutor();
        Wakes wakes = new Wakes(properties.maxConcurrentWakes(), properties.wakeTimeout(), blocking);
        return new ClientPipeline(properties, tls, directory, cancels, connections, wakes, blocking,
                new GatewayMetrics(meters), replicaCancels::publish);
    }

    @Bean
    @ConditionalOnProperty(name = "offshoot.gateway.enabled", havingValue = "true", matchIfMissing = true)
    GatewayServer gatewayServer(GatewayProperties properties, ClientPipeline pipeline, GatewayTls tls,
            ConfigurableEnvironment environment) {
        return new GatewayServer(properties, pipeline, tls, environment);
    }
}
