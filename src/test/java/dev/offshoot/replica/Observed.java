package dev.offshoot.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;

import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;

/**
 * What the replicas' one metadata store and one engine hold, read around the service: rows,
 * held ports, branch containers, reflink data directories, and which lock session leads.
 */
record Observed(String db, String instance) {

    List<Map<String, Object>> query(String sql, Object... args) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db, IntegrationTest.METADATA.getUsername(),
                IntegrationTest.METADATA.getPassword()); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            if (!ps.execute()) {
                return rows;
            }
            try (ResultSet rs = ps.getResultSet()) {
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** Status of every row of the name, oldest first. */
    List<String> statuses(String name) throws SQLException {
        return query("SELECT status FROM branch WHERE name = ? ORDER BY created_at", name).stream()
                .map(r -> (String) r.get("status")).toList();
    }

    /** The process id of the replica whose lock session holds the leader lock, or null. */
    Long leaderPid(String group) throws SQLException {
        long key = AdvisoryLocks.key(Leadership.KIND, instance + "/" + group);
        List<Map<String, Object>> rows = query("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a"
                + " ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
                + " AND l.classid = ? AND l.objid = ?", key >>> 32, key & 0xffffffffL);
        if (rows.isEmpty()) {
            return null;
        }
        // "offshoot-locks host:pid:random"
        String[] parts = ((String) rows.getFirst().get("application_name")).split(":");
        return Long.parseLong(parts[parts.length - 2]);
    }

    List<Container> branchContainers() {
        return TestDocker.containersOf(instance).stream()
                .filter(c -> "branch".equals(c.getLabels().get("offshoot.kind"))).toList();
    }

    /**
     * Every live row is READY and answers by its own running container, which publishes no host
     * port (branches are reached through the gateway) and no port is held for any key, and every
     * branch data directory belongs to a live row: nothing of a create, a delete or a sweep was
     * lost or left twice.
     */
    void assertConsistent() throws SQLException, IOException {
        List<Map<String, Object>> live = query("SELECT b.id::text AS id, b.name, b.status, b.instance_handle"
                + " FROM branch b WHERE b.status <> 'DELETED'");
        assertThat(live).extracting(r -> r.get("status")).as("live rows").containsOnly("READY");
        List<String> ids = live.stream().map(r -> (String) r.get("id")).toList();
        assertThat(query("SELECT instance_key FROM instance_port WHERE released_at IS NULL"))
                .as("instance keys holding a host port").isEmpty();
        List<Container> containers = branchContainers();
        assertThat(containers).extracting(Container::getId).as("branch containers vs. live rows")
                .containsExactlyInAnyOrderElementsOf(live.stream().map(r -> (String) r.get("instance_handle")).toList());
        assertThat(containers).extracting(Container::getState).containsOnly("running");
        for (Container container : containers) {
            assertThat(Arrays.stream(container.getPorts()).map(ContainerPort::getPublicPort).filter(Objects::nonNull)
                    .toList()).as("host ports of %s", container.getNames()[0]).isEmpty();
        }
        Path dirs = TestDocker.storagePath().resolve(instance).resolve("branches");
        if (Files.isDirectory(dirs)) {
            try (Stream<Path> list = Files.list(dirs)) {
                assertThat(list.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
                        .as("branch data directories vs. live rows").isEqualTo(Set.copyOf(ids));
            }
        }
    }
}
