package dev.offshoot.gateway;

import dev.offshoot.instance.Endpoint;

/**
 * What the gateway asks about branches: which live branch a name is and whether it runs, how to
 * wake it, and where its instance answers. Calls block (the metadata store, the engine): the
 * gateway makes them on virtual threads, never on an event loop.
 */
interface BranchDirectory {

    /**
     * The live branch of this name.
     *
     * @throws Refusal when there is none, or it cannot take connections now (being created, failed)
     */
    Route route(String name);

    /** Starts a suspended branch and returns once it takes logins; throws when it cannot. */
    void wake(String name);

    /** Where the instance of this key answers now (the runtime's internal endpoint). */
    Endpoint endpoint(String key);

    /** Tells {@code listener} the key of every instance this service stops or takes down, once it did. */
    void onStopped(java.util.function.Consumer<String> listener);

    /**
     * A live branch as the gateway routes to it.
     *
     * @param key       its instance key: connections are counted and cancel keys kept by it
     * @param suspended whether its server is stopped and must be woken first
     */
    record Route(String name, String key, boolean suspended) {
    }
}
