package dev.offshoot.replica;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.stereotype.Component;

import dev.offshoot.config.ReplicaProperties;
import dev.offshoot.naming.SharedLocks;

/**
 * Per-name locks every replica sees: PostgreSQL session-level advisory locks in the metadata store,
 * held on one session of this process (its {@link LockSession}) outside the connection pool, so a
 * lock held across seconds of Docker calls costs no pooled connection, and the store releases a
 * dead replica's locks when its session ends. A (kind, name) pair is keyed by the first 64 bits of
 * its SHA-256: two pairs sharing a key would only wait for each other.
 */
@Component
public class AdvisoryLocks implements SharedLocks, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdvisoryLocks.class);
    private static final long CONNECT_TIMEOUT_SECONDS = 5;

    private final LockSession session;
    private final Counter lost;

    AdvisoryLocks(JdbcConnectionDetails store, ReplicaProperties properties, ReplicaIdentity identity,
            MeterRegistry meters) {
        this.lost = Counter.builder("offshoot.locks.lost")
                .description("locks this replica held that its lock session lost to another replica on a reconnect")
                .register(meters);
        this.session = new LockSession(() -> open(store, properties, identity), key -> {
            lost.increment();
            log.error("lost the lock with key {} when the lock session was opened again: another replica took it",
                    key);
        });
        meters.gauge("offshoot.locks.held", session, LockSession::size);
    }

    @Override
    public boolean tryLock(String kind, String name) {
        return session.tryLock(key(kind, name));
    }

    @Override
    public void unlock(String kind, String name) {
        session.unlock(key(kind, name));
    }

    /** True while this process holds the lock. */
    boolean holds(String kind, String name) {
        return session.holds(key(kind, name));
    }

    /** See {@link LockSession#check()}. */
    boolean check() {
        return session.check();
    }

    /** Ends the session: the store releases every lock of this process, leadership included. */
    @Override
    public void close() {
        session.close();
    }

    static long key(String kind, String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("offshoot\0" + kind + "\0" + name).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A connection of its own, named after this replica (pg_stat_activity shows whose locks are
     * whose), with reads that time out and TCP keepalives both ways, so a dead peer is noticed on
     * either side within about the session timeout.
     */
    private static Connection open(JdbcConnectionDetails store, ReplicaProperties properties,
            ReplicaIdentity identity) throws SQLException {
        long timeout = properties.sessionTimeout().toSeconds();
        Properties props = new Properties();
        props.setProperty("user", store.getUsername());
        if (store.getPassword() != null) {
            props.setProperty("password", store.getPassword());
        }
        props.setProperty("ApplicationName", "offshoot-locks " + identity.id());
        props.setProperty("tcpKeepAlive", "true");
        // a store that does not answer within the pool's own wait for a connection is down
        props.setProperty("connectTimeout", String.valueOf(Math.min(timeout, CONNECT_TIMEOUT_SECONDS)));
        props.setProperty("socketTimeout", String.valueOf(timeout));
        Connection connection = DriverManager.getConnection(store.getJdbcUrl(), props);
        try (Statement st = connection.createStatement()) {
            // each only where the server has it (idle_session_timeout: 14 and later); a store that
            // ends idle sessions would end this one, and its locks with it
            st.execute("SELECT pg_catalog.set_config(name, v, false) FROM (VALUES"
                    + " ('tcp_keepalives_idle', '" + Math.max(1, timeout / 3) + "'),"
                    + " ('tcp_keepalives_interval', '" + Math.max(1, timeout / 6) + "'),"
                    + " ('tcp_keepalives_count', '3'), ('idle_session_timeout', '0')) AS s (name, v)"
                    + " WHERE name IN (SELECT p.name FROM pg_catalog.pg_settings p)");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }
}
