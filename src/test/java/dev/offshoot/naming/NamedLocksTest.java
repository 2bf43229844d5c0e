package dev.offshoot.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.offshoot.error.OffshootException;

class NamedLocksTest {

    final NamedLocks locks = new NamedLocks(Duration.ofMillis(300));

    /** "Aa" and "BB" have the same hashCode: with striped locks they always shared one. */
    @Test
    void namesWithTheSameHashDoNotWaitForEachOther() throws Exception {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> locks.withLock("Aa", () -> {
            held.countDown();
            await(release);
            return null;
        }));
        assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(locks.withLock("BB", () -> "done")).isEqualTo("done");

        release.countDown();
        holder.get(5, TimeUnit.SECONDS);
    }

    @Test
    void waitingLongerThanTheTimeoutAnswersARetryable503() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> locks.withLock("pr-1", () -> {
            held.countDown();
            await(release);
            return null;
        }));
        assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> locks.withLock("pr-1", () -> "never"))
                .isInstanceOfSatisfying(OffshootException.class, e -> {
                    assertThat(e.kind()).isEqualTo(OffshootException.Kind.UNAVAILABLE);
                    assertThat(e.code()).isEqualTo("NAME_BUSY");
                    assertThat(e.retryable()).isTrue();
                });

        release.countDown();
        holder.get(5, TimeUnit.SECONDS);
        assertThat(locks.withLock("pr-1", () -> "free again")).isEqualTo("free again");
    }

    @Test
    void locksOfNamesNobodyHoldsAreForgotten() {
        for (int i = 0; i < 1000; i++) {
            locks.withLock("name-" + i, () -> null);
        }
        assertThatThrownBy(() -> locks.withLock("failing", () -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(locks.size()).isZero();
    }

    @Test
    void theSameNameIsHeldByOneCallerAtATime() throws Exception {
        NamedLocks patient = new NamedLocks(Duration.ofSeconds(30));
        int[] counter = {0};
        var futures = new java.util.ArrayList<CompletableFuture<Void>>();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                futures.add(CompletableFuture.runAsync(() -> patient.withLock("same", () -> {
                    int seen = counter[0];
                    Thread.yield();
                    counter[0] = seen + 1;
                    return null;
                }), executor));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
        assertThat(counter[0]).isEqualTo(50);
        assertThat(patient.size()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
