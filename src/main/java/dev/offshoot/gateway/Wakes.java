package dev.offshoot.gateway;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Wakes of suspended branches: one start per branch however many clients arrive for it (they all
 * wait for the same future), and at most offshoot.gateway.max-concurrent-wakes branches starting at
 * once. A wake that finds no turn within the wake timeout fails with 57P03 instead of queueing
 * starts nobody waits for any more: a flood of connections to hundreds of suspended branches starts
 * a few containers at a time.
 */
final class Wakes {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final Semaphore turns;
    private final Duration turnWait;
    private final Executor executor;

    Wakes(int maxConcurrent, Duration turnWait, Executor executor) {
        this.turns = new Semaphore(maxConcurrent);
        this.turnWait = turnWait;
        this.executor = executor;
    }

    /** The wake of this branch in flight, or a new one running {@code start}. */
    CompletableFuture<Void> wake(String name, Runnable start) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = inFlight.putIfAbsent(name, mine);
        if (running != null) {
            return running;
        }
        executor.execute(() -> {
            try {
                if (!turns.tryAcquire(turnWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new Refusal(Protocol.CANNOT_CONNECT_NOW, "branch \"" + name
                            + "\" is suspended and too many branches are waking up; try again shortly");
                }
                try {
                    start.run();
                } finally {
                    turns.release();
                }
                inFlight.remove(name, mine);
                mine.complete(null);
            } catch (Throwable e) {
                inFlight.remove(name, mine);
                mine.completeExceptionally(e);
            }
        });
        return mine;
    }

    int inFlight() {
        return inFlight.size();
    }
}
