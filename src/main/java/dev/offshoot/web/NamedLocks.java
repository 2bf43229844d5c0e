package dev.offshoot.web;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises work on one name (a branch, a template) inside this process, with a fixed number of
 * striped locks so memory does not grow with every name ever used. Two names may share a stripe;
 * callers never hold one name's lock while taking another's of the same set.
 */
public final class NamedLocks {

    private final ReentrantLock[] stripes;

    public NamedLocks(int stripes) {
        this.stripes = new ReentrantLock[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new ReentrantLock();
        }
    }

    public <T> T withLock(String name, Supplier<T> action) {
        ReentrantLock lock = stripes[Math.floorMod(name.hashCode(), stripes.length)];
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
