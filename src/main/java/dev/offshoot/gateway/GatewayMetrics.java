package dev.offshoot.gateway;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway on /actuator/prometheus: open client connections, refusals by SQLSTATE, wakes
 * (how long a client was held), cancels sent on.
 */
final class GatewayMetrics {

    private final MeterRegistry meters;
    private final AtomicInteger clients = new AtomicInteger();
    private final Timer wakes;
    private final Counter cancels;

    GatewayMetrics(MeterRegistry meters) {
        this.meters = meters;
        meters.gauge("offshoot.gateway.clients", clients);
        this.wakes = Timer.builder("offshoot.gateway.wake").description("a client held while its branch woke up")
                .publishPercentiles(0.5, 0.95).register(meters);
        this.cancels = Counter.builder("offshoot.gateway.cancels").description("cancel requests sent on to a branch")
                .register(meters);
    }

    void clientOpened() {
        clients.incrementAndGet();
    }

    void clientClosed() {
        clients.decrementAndGet();
    }

    void woke(long nanos) {
        wakes.record(nanos, TimeUnit.NANOSECONDS);
    }

    void cancelled() {
        cancels.increment();
    }

    void refused(String sqlState) {
        Counter.builder("offshoot.gateway.refused").description("connections the gateway answered with an error")
                .tag("sqlstate", sqlState).register(meters).increment();
    }
}
