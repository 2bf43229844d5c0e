package dev.offshoot.gateway;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The routes of branch names that were connected to a moment ago, so that a client connecting
 * again (a pool growing, a test suite's connections) is routed without a round trip to the
 * metadata store. Only routes to running branches are kept (Caffeine, for
 * offshoot.gateway.route-cache-ttl, bounded in size). A kept route is checked by the endpoint
 * look-up that follows it, which asks the runtime (kept current by its own events): when the
 * branch has no running server, the route is forgotten and asked for again, so a branch
 * suspended, reset, deleted or created again under its name since is routed as it is now. The
 * routes of an instance this service stops or takes down are forgotten at once, and so is one
 * whose branch does not answer where it was routed.
 */
final class Routes {

    /** More names than any host serves branches: the bound is against a flood of distinct names. */
    private static final long MAX_ROUTES = 100_000;

    private final Cache<String, BranchDirectory.Route> running;

    Routes(Duration ttl) {
        this.running = ttl.isZero() ? null
                : Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(MAX_ROUTES).build();
    }

    /** A route to a running branch of this name seen within the time to live. */
    Optional<BranchDirectory.Route> recent(String name) {
        return running == null ? Optional.empty() : Optional.ofNullable(running.getIfPresent(name));
    }

    /** The branch of this route is running: the next connection to it may skip the look-up. */
    void running(BranchDirectory.Route route) {
        if (running != null && !route.suspended()) {
            running.put(route.name(), route);
        }
    }

    /** The instance of this key was stopped or taken down here: no route to it is kept. */
    void stopped(String key) {
        if (running != null) {
            running.asMap().values().removeIf(route -> route.key().equals(key));
        }
    }

    void forget(String name) {
        if (running != null) {
            running.invalidate(name);
        }
    }
}
