package dev.offshoot.provision;

import java.util.UUID;

import dev.offshoot.instance.DataRef;

/**
 * A Postgres instance as its owner (a branch) keeps it, without looking inside any of it.
 *
 * @param owner    the owner's id; the instance answers under it as its key, so its endpoint stays
 *                 the same across restarts and resets
 * @param database the database Offshoot's own sessions open on it
 * @param handle   the runtime's handle of the running instance (Docker: a container id; Kubernetes:
 *                 a Pod name), or null when none is known
 * @param parent   the data a fresh copy is made from (a template revision's, or its own snapshot)
 * @param snapshot the snapshot of another instance taken for this one alone, removed with it; null
 *                 when its parent is shared (a template revision)
 */
public record Instance(UUID owner, String database, String handle, DataRef parent, DataRef snapshot) {

    /** The key the instance answers under. */
    public String key() {
        return owner.toString();
    }

    /** The same instance with no handle: whatever runs for its owner is looked up by label. */
    public Instance withoutHandle() {
        return new Instance(owner, database, null, parent, snapshot);
    }
}
