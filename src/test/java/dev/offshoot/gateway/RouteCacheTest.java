package dev.offshoot.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import dev.offshoot.config.GatewayProperties;
import dev.offshoot.instance.Endpoint;

/**
 * The routes kept from recent connections: a branch connected to again is not looked up in the
 * metadata store, and a kept route is never trusted past what the runtime says now.
 */
class RouteCacheTest {

    static final Executor INLINE = Runnable::run;

    /** One branch "pr-1" as the metadata store and the runtime see it; the test changes it. */
    final class Branch implements BranchDirectory {
        final List<String> asked = new ArrayList<>();
        final List<String> woken = new ArrayList<>();
        String key = "k1";
        boolean suspended;
        boolean deleted;
        java.util.function.Consumer<String> stopped;

        @Override
        public Route route(String name) {
            asked.add(name);
            if (deleted) {
                throw new Refusal(Protocol.INVALID_CATALOG_NAME, "branch \"" + name + "\" does not exist");
            }
            return new Route(name, key, suspended);
        }

        @Override
        public void wake(String name) {
            woken.add(name);
            suspended = false;
        }

        @Override
        public void onStopped(java.util.function.Consumer<String> listener) {
            stopped = listener;
        }

        @Override
        public Endpoint endpoint(String instanceKey) {
            if (deleted || suspended || !instanceKey.equals(key)) {
                throw new Refusal(Protocol.CANNOT_CONNECT_NOW, "the branch has no running server at the moment");
            }
            return new Endpoint("10.0.0." + key.substring(1), 5432);
        }
    }

    final Branch branch = new Branch();
    final Connections connections = new Connections();

    ClientPipeline pipeline(Duration routeCacheTtl) {
        GatewayProperties properties = GatewayPropertiesFixture.with(GatewayProperties.PlainText.ANY, routeCacheTtl);
        return new ClientPipeline(properties, null, branch, new CancelKeys(), connections,
                new Wakes(1, properties.wakeTimeout(), INLINE), INLINE, new GatewayMetrics(new SimpleMeterRegistry()),
                (pid, key) -> { });
    }

    static ClientPipeline.Target resolve(ClientPipeline pipeline) {
        return pipeline.resolve(new EmbeddedChannel(), "pr-1").join();
    }

    int open() {
        return connections.open();
    }

    @Test
    void aBranchConnectedToAgainIsRoutedWithoutAskingTheMetadataStore() {
        ClientPipeline pipeline = pipeline(Duration.ofSeconds(30));

        ClientPipeline.Target first = resolve(pipeline);
        ClientPipeline.Target second = resolve(pipeline);

        assertThat(branch.asked).containsExactly("pr-1");
        assertThat(second.endpoint()).isEqualTo(first.endpoint());
        assertThat(open()).isEqualTo(2);
    }

    @Test
    void aKeptRouteToABranchSuspendedSinceIsAskedForAgainAndTheBranchWoken() {
        ClientPipeline pipeline = pipeline(Duration.ofSeconds(30));
        resolve(pipeline);
        branch.suspended = true;

        ClientPipeline.Target target = resolve(pipeline);

        assertThat(branch.asked).hasSize(2);
        assertThat(branch.woken).containsExactly("pr-1");
        assertThat(target.endpoint().host()).isEqualTo("10.0.0.1");
        assertThat(open()).as("the stale route's slot went back").isEqualTo(2);
    }

    @Test
    void aBranchCreatedAgainUnderItsNameIsRoutedToItsNewInstance() {
        ClientPipeline pipeline = pipeline(Duration.ofSeconds(30));
        resolve(pipeline);
        branch.key = "k2";

        assertThat(resolve(pipeline).route().key()).isEqualTo("k2");
        assertThat(resolve(pipeline).endpoint().host()).isEqualTo("10.0.0.2");
        assertThat(branch.asked).hasSize(2);
    }

    @Test
    void aDeletedBranchIsRefusedAsUnknownOnceItsServerIsGone() {
        ClientPipeline pipeline = pipeline(Duration.ofSeconds(30));
        resolve(pipeline);
        branch.deleted = true;

        assertThatThrownBy(() -> resolve(pipeline)).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(Refusal.class,
                        r -> assertThat(r.sqlState()).isEqualTo(Protocol.INVALID_CATALOG_NAME));
        assertThat(open()).isEqualTo(1);
    }

    @Test
    void aBranchThisServiceStoppedIsLookedUpAgainEvenWhileItsOldAddressStillAnswers() {
        ClientPipeline pipeline = pipeline(Duration.ofSeconds(30));
        resolve(pipeline);
        branch.suspended = true;
        branch.stopped.accept("k1");
        branch.suspended = false;

        resolve(pipeline);

        assertThat(branch.asked).as("the suspend's stop dropped the kept route").hasSize(2);
    }

    @Test
    void aBranchThatDidNotAnswerWhereItWasRoutedIsLookedUpAgain() {
        ClientPipeline pipeline = pipeline(Duration.ofSeconds(30));
        pipeline.unreachable(resolve(pipeline));

        resolve(pipeline);

        assertThat(branch.asked).hasSize(2);
    }

    @Test
    void withoutATimeToLiveEveryConnectionAsks() {
        ClientPipeline pipeline = pipeline(Duration.ZERO);

        resolve(pipeline);
        resolve(pipeline);

        assertThat(branch.asked).hasSize(2);
    }
}
