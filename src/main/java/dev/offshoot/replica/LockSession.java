package dev.offshoot.replica;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * One session to the metadata store that holds this process's session-level advisory locks
 * (pg_try_advisory_lock): the store releases them all the moment the session ends, so a replica
 * that dies takes its locks with it. Calls are serialised (a JDBC connection is not shared between
 * threads); each is one short round trip. A key is taken once: a second take of a key this session
 * holds answers false instead of stacking, so two holders in this process never share a lock.
 * A session found broken is opened again and takes its keys again; a key another session took
 * meanwhile is lost, and reported.
 */
final class LockSession implements AutoCloseable {

    /** Opens a connection to the store, set up for holding locks. */
    interface Connector {
        Connection open() throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(LockSession.class);

    private final Connector connector;
    private final LongConsumer lost;
    private final ReentrantLock mutex = new ReentrantLock();
    /** Keys this session holds; guarded by mutex. */
    private final Set<Long> held = new HashSet<>();
    /** Guarded by mutex; null until first use and after a failure. */
    private Connection connection;
    private boolean closed;

    /** @param lost told of each key that was held and could not be taken again after a reconnect */
    LockSession(Connector connector, LongConsumer lost) {
        this.connector = connector;
        this.lost = lost;
    }

    boolean tryLock(long key) {
        mutex.lock();
        try {
            if (held.contains(key)) {
                return false;
            }
            boolean taken;
            try {
                taken = call("SELECT pg_try_advisory_lock(?)", key);
            } catch (SQLException e) {
                // a session that broke since its last use: open it again (its keys too) and try once more
                reopen(e);
                taken = callOrFail("SELECT pg_try_advisory_lock(?)", key);
            }
            if (taken) {
                held.add(key);
            }
            return taken;
        } finally {
            mutex.unlock();
        }
    }

    void unlock(long key) {
        mutex.lock();
        try {
            if (held.remove(key) && connection != null) {
                try {
                    call("SELECT pg_advisory_unlock(?)", key);
                } catch (SQLException e) {
                    // the lock ended with the session; the next use opens another
                    drop(e);
                }
            }
        } finally {
            mutex.unlock();
        }
    }

    /** True while this session holds the key. */
    boolean holds(long key) {
        mutex.lock();
        try {
            return held.contains(key);
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Asks the store whether the session still stands; a broken one is opened again and takes its
     * keys again. False when the store cannot be reached.
     */
    boolean check() {
        mutex.lock();
        try {
            if (closed) {
                return false;
            }
            try {
                try (Statement st = connection().createStatement()) {
                    st.execute("SELECT 1");
                }
                return true;
            } catch (SQLException e) {
                try {
                    reopen(e);
                    return true;
                } catch (DataAccessResourceFailureException again) {
                    return false;
                }
            }
        } finally {
            mutex.unlock();
        }
    }

    int size() {
        mutex.lock();
        try {
            return held.size();
        } finally {
            mutex.unlock();
        }
    }

    /** Ends the session: the store releases every lock it held. */
    @Override
    public void close() {
        mutex.lock();
        try {
            closed = true;
            held.clear();
            drop(null);
        } finally {
            mutex.unlock();
        }
    }

    private boolean callOrFail(String sql, long key) {
        try {
            return call(sql, key);
        } catch (SQLException e) {
            drop(e);
            throw new DataAccessResourceFailureException("the metadata store's lock session failed", e);
        }
    }

    private boolean call(String sql, long key) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private Connection connection() throws SQLException {
        if (closed) {
            throw new SQLException("the lock session is closed");
        }
        if (connection == null) {
            connection = connector.open();
        }
        return connection;
    }

    /** Opens the session again and takes its keys again; the ones another session took are lost. */
    private void reopen(SQLException cause) {
        drop(cause);
        Set<Long> again = new HashSet<>();
        try {
            connection();
            for (long key : held) {
                if (call("SELECT pg_try_advisory_lock(?)", key)) {
                    again.add(key);
                }
            }
        } catch (SQLException e) {
            drop(e);
            throw new DataAccessResourceFailureException("the metadata store's lock session cannot be opened", e);
        }
        for (long key : held) {
            if (!again.contains(key)) {
                lost.accept(key);
            }
        }
        held.retainAll(again);
    }

    private void drop(SQLException cause) {
        if (cause != null) {
            log.warn("the lock session to the metadata store broke: {}", cause.getMessage());
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // it is gone either way
            }
            connection = null;
        }
    }
}
