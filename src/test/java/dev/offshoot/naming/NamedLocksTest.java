package dev.offshoot.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

    /** Shared locks as another replica would hold them: names in {@code elsewhere} are taken. */
    static final class OtherReplica implements SharedLocks {
        final Set<String> elsewhere = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final Set<String> mine = new HashSet<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public synchronized boolean tryLock(String kind, String name) {
            calls.add("lock " + kind + ":" + name);
            if (elsewhere.contains(kind + ":" + name) || !mine.add(kind + ":" + name)) {
                return false;
            }
            return true;
        }

        @Override
        public synchronized void unlock(String kind, String name) {
            calls.add("unlock " + kind + ":" + name);
            mine.remove(kind + ":" + name);
        }
    }

    @Test
    void aNameAnotherReplicaHoldsIsWaitedForUntilItIsReleased() throws Exception {
        OtherReplica shared = new OtherReplica();
        shared.elsewhere.add("branch:pr-7");
        NamedLocks replicated = new NamedLocks("branch", Duration.ofSeconds(10), shared);
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> replicated.withLock("pr-7",
                () -> "ran"));

        Thread.sleep(300);
        assertThat(waiting).isNotDone();
        shared.elsewhere.remove("branch:pr-7");

        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo("ran");
        assertThat(shared.calls).last().isEqualTo("unlock branch:pr-7");
        assertThat(shared.mine).isEmpty();
    }

    @Test
    void aNameAnotherReplicaHoldsPastTheTimeoutAnswersTheSameRetryable503() {
        OtherReplica shared = new OtherReplica();
        shared.elsewhere.add("template:main");
        NamedLocks replicated = new NamedLocks("template", Duration.ofMillis(300), shared);

        assertThatThrownBy(() -> replicated.withLock("main", () -> "never"))
                .isInstanceOfSatisfying(OffshootException.class, e -> {
                    assertThat(e.code()).isEqualTo("NAME_BUSY");
                    assertThat(e.retryable()).isTrue();
                });
        assertThat(shared.calls).doesNotContain("unlock template:main");
        assertThat(replicated.size()).isZero();
    }

    @Test
    void namesOfTwoKindsAreTwoLocks() {
        OtherReplica shared = new OtherReplica();
        shared.elsewhere.add("template:main");
        NamedLocks branches = new NamedLocks("branch", Duration.ofMillis(300), shared);

        assertThat(branches.withLock("main", () -> "a branch named like a template")).isEqualTo(
                "a branch named like a template");
    }

    @Test
    void aReentryTakesTheSharedLockOnceAndAFailingActionReleasesIt() {
        OtherReplica shared = new OtherReplica();
        NamedLocks replicated = new NamedLocks("branch", Duration.ofSeconds(1), shared);

        assertThatThrownBy(() -> replicated.withLock("pr-1", () -> replicated.withLock("pr-1", () -> {
            throw new IllegalStateException("boom");
        }))).isInstanceOf(IllegalStateException.class);

        assertThat(shared.calls).containsExactly("lock branch:pr-1", "unlock branch:pr-1");
    }

    @Test
    void withLockIfFreeRunsOnlyWhenNoRequestAndNoReplicaHoldsTheName() throws Exception {
        OtherReplica shared = new OtherReplica();
        NamedLocks replicated = new NamedLocks("branch", Duration.ofSeconds(10), shared);

        shared.elsewhere.add("branch:pr-2");
        assertThat(replicated.withLockIfFree("pr-2", () -> "ran")).isEmpty();
        shared.elsewhere.remove("branch:pr-2");

        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> replicated.withLock("pr-2", () -> {
            held.countDown();
            await(release);
            return null;
        }));
        assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(replicated.withLockIfFree("pr-2", () -> "ran")).as("held by a request here").isEmpty();
        release.countDown();
        holder.get(5, TimeUnit.SECONDS);

        assertThat(replicated.withLockIfFree("pr-2", () -> "ran")).contains("ran");
        assertThat(shared.mine).isEmpty();
        assertThat(replicated.size()).isZero();
    }
}
