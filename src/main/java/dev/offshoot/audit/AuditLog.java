package dev.offshoot.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Append-only record of every change: who (token name), what, on which target, when, and how it ended. */
@Service
public class AuditLog {

    private final JdbcClient jdbc;

    AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param channel    rest, mcp, webhook or system
     * @param action     e.g. branch.create, template.delete, token.revoke
     * @param targetType branch, template or token (null when unknown)
     * @param outcome    success or failure
     * @param detail     an error code or a short note; never a secret
     */
    public record Event(Instant at, String actor, String channel, String action, String targetType, String target,
            String outcome, Integer status, String detail) {
    }

    public void record(String actor, String channel, String action, String targetType, String target,
            boolean success, Integer status, String detail) {
        jdbc.sql("INSERT INTO audit_event (at, actor, channel, action, target_type, target, outcome, status, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(Timestamp.from(Instant.now()), actor, channel, action, targetType, target,
                        success ? "success" : "failure", status, detail)
                .update();
    }

    public record Query(String actor, String action, String targetType, String target, String outcome,
            Instant since, int limit) {
    }

    public List<Event> find(Query q) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_event WHERE true");
        List<Object> params = new ArrayList<>();
        filter(sql, params, "actor", q.actor());
        filter(sql, params, "action", q.action());
        filter(sql, params, "target_type", q.targetType());
        filter(sql, params, "target", q.target());
        filter(sql, params, "outcome", q.outcome());
        if (q.since() != null) {
            sql.append(" AND at >= ?");
            params.add(Timestamp.from(q.since()));
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(q.limit());
        return jdbc.sql(sql.toString()).params(params).query((rs, n) -> new Event(
                rs.getTimestamp("at").toInstant(), rs.getString("actor"), rs.getString("channel"),
                rs.getString("action"), rs.getString("target_type"), rs.getString("target"), rs.getString("outcome"),
                (Integer) rs.getObject("status"), rs.getString("detail"))).list();
    }

    private static void filter(StringBuilder sql, List<Object> params, String column, String value) {
        if (value != null && !value.isBlank()) {
            sql.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
    }
}
