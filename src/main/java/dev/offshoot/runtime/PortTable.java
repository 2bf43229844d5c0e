package dev.offshoot.runtime;

import java.util.OptionalInt;
import java.util.Set;

/**
 * Docker's record of which instance key holds which host port. A port is held by one key at a
 * time (a unique index in the metadata store settles races between keys); a released key keeps its
 * last port as history, so a deleted branch still shows where it was.
 */
interface PortTable {

    /** The port the key holds, empty when it holds none (never assigned, or released). */
    OptionalInt held(String key);

    /** The port the key holds or held last, empty when it never held one. */
    OptionalInt last(String key);

    /** The ports these keys hold or held last; keys that never held one are left out. */
    java.util.Map<String, Integer> last(java.util.Collection<String> keys);

    /** Every port some key holds. */
    Set<Integer> heldPorts();

    /** Every key that holds a port. */
    Set<String> heldKeys();

    /**
     * Gives the key this port (instead of any it held).
     *
     * @throws org.springframework.dao.DuplicateKeyException when another key holds the port
     */
    void assign(String key, int port);

    /** The key holds no port any more; releasing a key that holds none succeeds. */
    void release(String key);
}
