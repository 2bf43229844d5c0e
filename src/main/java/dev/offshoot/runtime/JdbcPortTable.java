package dev.offshoot.runtime;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link PortTable} in the metadata store's {@code instance_port} table. The template is
 * looked up on first use: the runtime starts the managed metadata store before there is one.
 */
class JdbcPortTable implements PortTable {

    private final ObjectProvider<JdbcTemplate> jdbcProvider;

    JdbcPortTable(ObjectProvider<JdbcTemplate> jdbcProvider) {
        this.jdbcProvider = jdbcProvider;
    }

    @Override
    public OptionalInt held(String key) {
        return first(jdbc().queryForList("SELECT port FROM instance_port WHERE instance_key = ?"
                + " AND released_at IS NULL", Integer.class, key));
    }

    @Override
    public OptionalInt last(String key) {
        return first(jdbc().queryForList("SELECT port FROM instance_port WHERE instance_key = ?", Integer.class, key));
    }

    @Override
    public Map<String, Integer> last(Collection<String> keys) {
        Map<String, Integer> ports = new HashMap<>();
        if (!keys.isEmpty()) {
            jdbc().query("SELECT instance_key, port FROM instance_port WHERE instance_key = ANY (?)",
                    rs -> {
                        ports.put(rs.getString(1), rs.getInt(2));
                    }, (Object) keys.toArray(String[]::new));
        }
        return ports;
    }

    @Override
    public Set<Integer> heldPorts() {
        return new HashSet<>(jdbc().queryForList("SELECT port FROM instance_port WHERE released_at IS NULL",
                Integer.class));
    }

    @Override
    public Set<String> heldKeys() {
        return new HashSet<>(jdbc().queryForList("SELECT instance_key FROM instance_port WHERE released_at IS NULL",
                String.class));
    }

    @Override
    public void assign(String key, int port) {
        jdbc().update("INSERT INTO instance_port (instance_key, port, assigned_at) VALUES (?, ?, now())"
                + " ON CONFLICT (instance_key) DO UPDATE SET port = excluded.port, assigned_at = excluded.assigned_at,"
                + " released_at = NULL", key, port);
    }

    @Override
    public void release(String key) {
        jdbc().update("UPDATE instance_port SET released_at = now() WHERE instance_key = ? AND released_at IS NULL",
                key);
    }

    private JdbcTemplate jdbc() {
        return jdbcProvider.getObject();
    }

    private static OptionalInt first(List<Integer> ports) {
        return ports.isEmpty() ? OptionalInt.empty() : OptionalInt.of(ports.getFirst());
    }
}
