package dev.offshoot.neon;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the Neon API keeps about Offshoot objects (table {@code neon_object}): the Neon-style id of
 * a branch or of a template (its project's default branch), given on first sight and kept for
 * good, and a branch's annotation. Ids are unique by index: a random id that collides is drawn again.
 */
@Component
class NeonObjects {

    private static final int ATTEMPTS = 5;
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.shared();

    NeonObjects(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The ids of these objects, given now to those that have none yet. */
    Map<UUID, String> idsOf(Collection<UUID> objects) {
        Map<UUID, String> ids = find(objects);
        for (int attempt = 0; attempt < ATTEMPTS && ids.size() < objects.size(); attempt++) {
            for (UUID object : objects) {
                if (!ids.containsKey(object)) {
                    insert(object, NeonIds.newBranchId());
                }
            }
            ids = find(objects);
        }
        if (ids.size() < objects.size()) {
            throw new IllegalStateException("could not give Neon ids to " + objects.size() + " objects");
        }
        return ids;
    }

    String idOf(UUID object) {
        return idsOf(List.of(object)).get(object);
    }

    /** Gives a new object the id it was created under (its name, when the client gave none), if still free. */
    void claim(UUID object, String neonId) {
        insert(object, neonId);
    }

    Optional<UUID> objectOf(String neonId) {
        return jdbc.sql("SELECT object_id FROM neon_object WHERE neon_id = ?").param(neonId).query(UUID.class)
                .optional();
    }

    /** A branch's annotation and when it was last set, if it has one. */
    record Annotation(Map<String, String> value, Instant createdAt, Instant updatedAt) {
    }

    Map<UUID, Annotation> annotationsOf(Collection<UUID> objects) {
        if (objects.isEmpty()) {
            return Map.of();
        }
        Map<UUID, Annotation> out = new HashMap<>();
        jdbc.sql("SELECT object_id, annotation, created_at, updated_at FROM neon_object"
                + " WHERE annotation IS NOT NULL AND object_id IN (:objects)").param("objects", objects)
                .query(rs -> {
                    out.put(rs.getObject("object_id", UUID.class), new Annotation(
                            json.readValue(rs.getString("annotation"), STRINGS),
                            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant()));
                });
        return out;
    }

    void annotate(UUID object, Map<String, String> annotation) {
        jdbc.sql("UPDATE neon_object SET annotation = ?, updated_at = ? WHERE object_id = ?")
                .params(json.writeValueAsString(annotation), Timestamp.from(Instant.now()), object).update();
    }

    private Map<UUID, String> find(Collection<UUID> objects) {
        if (objects.isEmpty()) {
            return Map.of();
        }
        Map<UUID, String> ids = new HashMap<>();
        jdbc.sql("SELECT object_id, neon_id FROM neon_object WHERE object_id IN (:objects)")
                .param("objects", objects)
                .query(rs -> {
                    ids.put(rs.getObject("object_id", UUID.class), rs.getString("neon_id"));
                });
        return ids;
    }

    /** Taken ids and objects that already have one are left alone: the caller reads what won. */
    private void insert(UUID object, String neonId) {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("INSERT INTO neon_object (object_id, neon_id, created_at, updated_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING").params(object, neonId, now, now).update();
    }
}
