package dev.offshoot.naming;

/**
 * Locks on names that every replica of the service sees (held in the metadata store), beneath
 * {@link NamedLocks}' in-process ones. NamedLocks calls them only from the one thread of this
 * process that holds the name's local lock, so an implementation never sees two takes of one name
 * from this process at once.
 */
public interface SharedLocks {

    /** Only this process: for one instance of the service, and for unit tests. */
    SharedLocks NONE = new SharedLocks() {
        @Override
        public boolean tryLock(String kind, String name) {
            return true;
        }

        @Override
        public void unlock(String kind, String name) {
            // nothing was taken
        }
    };

    /**
     * Takes the lock of the name of this kind if no other process holds it; never waits.
     *
     * @return false when another process (another replica) holds it
     * @throws RuntimeException when the store cannot be asked (a DataAccessException: 503 METADATA_STORE_BUSY)
     */
    boolean tryLock(String kind, String name);

    /** Releases what {@link #tryLock} took; never throws (a lock whose session is gone is released). */
    void unlock(String kind, String name);
}
