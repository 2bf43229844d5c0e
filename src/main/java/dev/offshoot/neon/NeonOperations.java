package dev.offshoot.neon;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Principal;
import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;

/**
 * The operations of Neon API calls (table {@code neon_operation}). Offshoot's calls are
 * synchronous, so what a call did is recorded once it is done, as finished. A caller without
 * limits sees every operation of a project; a caller with limits (templates or a label) sees only
 * its own, so that it learns nothing of branches it may not see.
 */
@Component
class NeonOperations {

    static final int MAX_LIMIT = 1000;

    private final JdbcClient jdbc;

    NeonOperations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One step of a call: a Neon operation action on a branch and/or an endpoint. */
    record Step(String action, String branchId, String endpointId) {
    }

    /** Records what a call that began at {@code started} did, as finished operations. */
    List<NeonModel.Operation> finished(Template template, Instant started, List<Step> steps) {
        Instant now = Instant.now();
        long millis = Duration.between(started, now).toMillis();
        String actor = CurrentPrincipal.get().name();
        List<NeonModel.Operation> out = new ArrayList<>();
        for (Step step : steps) {
            UUID id = UUID.randomUUID();
            jdbc.sql("INSERT INTO neon_operation (id, template_id, branch_id, endpoint_id, action, status, actor,"
                    + " created_at, total_duration_ms) VALUES (?, ?, ?, ?, ?, 'finished', ?, ?, ?)")
                    .params(id, template.id(), step.branchId(), step.endpointId(), step.action(), actor,
                            Timestamp.from(now), millis)
                    .update();
            out.add(new NeonModel.Operation(id.toString(), template.name(), step.branchId(), step.endpointId(),
                    step.action(), "finished", 0, now, now, millis));
        }
        return out;
    }

    /** Newest first, after the operation named by {@code cursor} (its id) when one is given. */
    List<NeonModel.Operation> list(Template template, String cursor, Integer limit) {
        int max = limit == null ? MAX_LIMIT : limit;
        if (max < 1 || max > MAX_LIMIT) {
            throw OffshootException.invalid("INVALID_LIMIT", "limit must be between 1 and " + MAX_LIMIT);
        }
        boolean paged = cursor != null && !cursor.isBlank();
        String sql = "SELECT * FROM neon_operation WHERE template_id = :template" + visibility()
                + (paged ? " AND (created_at, id) < (SELECT c.created_at, c.id FROM neon_operation c"
                        + " WHERE c.id = :cursor AND c.template_id = :template)" : "")
                + " ORDER BY created_at DESC, id DESC LIMIT :limit";
        JdbcClient.StatementSpec statement = visible(jdbc.sql(sql).param("template", template.id())
                .param("limit", max));
        if (paged) {
            statement = statement.param("cursor", uuid(cursor, "INVALID_CURSOR"));
        }
        return statement.query((rs, n) -> operation(rs, template)).list();
    }

    Optional<NeonModel.Operation> get(Template template, String operationId) {
        return visible(jdbc.sql("SELECT * FROM neon_operation WHERE id = :id AND template_id = :template"
                + visibility()).param("id", uuid(operationId, "OPERATION_NOT_FOUND")).param("template", template.id()))
                .query((rs, n) -> operation(rs, template)).optional();
    }

    private static String visibility() {
        return CurrentPrincipal.get().unlimited() ? "" : " AND actor = :actor";
    }

    private static JdbcClient.StatementSpec visible(JdbcClient.StatementSpec statement) {
        Principal caller = CurrentPrincipal.get();
        return caller.unlimited() ? statement : statement.param("actor", caller.name());
    }

    private static UUID uuid(String value, String code) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw code.equals("INVALID_CURSOR") ? OffshootException.invalid(code, "cursor is not an operation id")
                    : OffshootException.notFound(code, "no operation '" + value + "' in this project");
        }
    }

    private static NeonModel.Operation operation(ResultSet rs, Template template) throws SQLException {
        Instant at = rs.getTimestamp("created_at").toInstant();
        return new NeonModel.Operation(rs.getString("id"), template.name(), rs.getString("branch_id"),
                rs.getString("endpoint_id"), rs.getString("action"), rs.getString("status"), 0, at, at,
                rs.getLong("total_duration_ms"));
    }
}
