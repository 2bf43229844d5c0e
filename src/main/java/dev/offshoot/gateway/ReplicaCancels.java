package dev.offshoot.gateway;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Cancel requests across replicas. Behind a load balancer, a client's CancelRequest (a connection
 * of its own) may reach another replica than the one that issued its key. A replica that does not
 * know a key publishes it on the metadata store ({@code NOTIFY offshoot_gateway_cancel}); every
 * replica listens on a connection of its own, and the one that issued the key sends the request on
 * to its backend. Nothing is written per connection: the store hears of cancels only, and of at
 * most {@link #MAX_PER_SECOND} a second from one replica (a flood of made-up keys costs the store
 * nothing more). An unknown key is ignored everywhere, as the server itself does.
 */
final class ReplicaCancels implements SmartLifecycle {

    static final String CHANNEL = "offshoot_gateway_cancel";
    static final int MAX_PER_SECOND = 50;
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final int POLL_MILLIS = 1000;
    private static final int SEND_TIMEOUT_MILLIS = 2000;
    private static final Logger log = LoggerFactory.getLogger(ReplicaCancels.class);

    private final JdbcConnectionDetails store;
    private final JdbcTemplate jdbc;
    private final CancelKeys keys;
    private final AtomicLong window = new AtomicLong();
    private volatile boolean running;
    private Thread listener;

    /** @param store where the listening connection (outside the pool) connects; publications use the pool */
    ReplicaCancels(JdbcConnectionDetails store, JdbcTemplate jdbc, CancelKeys keys) {
        this.store = store;
        this.jdbc = jdbc;
        this.keys = keys;
    }

    /** Asks the other replicas to cancel for this key; on a virtual thread, never the event loop. */
    void publish(int pid, byte[] key) {
        if (!admitted(System.currentTimeMillis() / 1000)) {
            return;
        }
        Thread.ofVirtual().start(() -> {
            try {
                jdbc.queryForObject("SELECT pg_notify(?, ?)::text", String.class, CHANNEL,
                        pid + ":" + HexFormat.of().formatHex(key));
            } catch (DataAccessException e) {
                log.warn("a cancel request could not be passed to the other replicas: {}", e.getMessage());
            }
        });
    }

    /** At most {@link #MAX_PER_SECOND} publications in one second. */
    boolean admitted(long second) {
        long packed = window.updateAndGet(w -> (w >>> 32) == second ? w + 1 : (second << 32) | 1);
        return (packed & 0xffffffffL) <= MAX_PER_SECOND;
    }

    /** A published cancel: sent on to the backend when this replica issued its key. */
    void received(String payload) {
        int colon = payload.indexOf(':');
        if (colon < 1) {
            return;
        }
        try {
            int pid = Integer.parseInt(payload.substring(0, colon));
            byte[] key = HexFormat.of().parseHex(payload.substring(colon + 1));
            keys.find(pid, key).ifPresent(ReplicaCancels::send);
        } catch (IllegalArgumentException malformed) {
            // not one of ours
        }
    }

    private static void send(CancelKeys.Target target) {
        try (Socket socket = new Socket()) {
            socket.connect(target.address(), SEND_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(12 + target.key().length).putInt(12 + target.key().length)
                    .putInt(Protocol.CANCEL_REQUEST).putInt(target.pid()).put(target.key()).array());
            out.flush();
        } catch (java.io.IOException e) {
            log.debug("a cancel request for {} could not be sent: {}", target.address(), e.getMessage());
        }
    }

    private void listen() {
        while (running) {
            try (Connection c = connect(); Statement st = c.createStatement()) {
                st.execute("LISTEN " + CHANNEL);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            received(n.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    log.warn("listening for other replicas' cancel requests failed ({}); again in {}", e.getMessage(),
                            RETRY);
                    sleep();
                }
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", store.getUsername());
        if (store.getPassword() != null) {
            props.setProperty("password", store.getPassword());
        }
        props.setProperty("ApplicationName", "offshoot-gateway-cancels");
        props.setProperty("connectTimeout", "5");
        props.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(store.getJdbcUrl(), props);
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        running = true;
        listener = Thread.ofVirtual().name("gateway-cancels").start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        if (listener != null) {
            listener.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
