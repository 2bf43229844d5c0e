package dev.offshoot.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import dev.offshoot.error.OffshootException;
import dev.offshoot.paging.Page;
import dev.offshoot.paging.PageRequest;

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

    /** Newest first, {@code q.limit()} at most, older than the cursor's event when {@code page} has one. */
    public Page<Event> find(Query q, PageRequest page) {
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
        String after = page.after();
        if (after != null) {
            sql.append(" AND id < ?");
            params.add(eventId(after));
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(q.limit() + 1);
        List<Long> ids = new ArrayList<>();
        List<Event> events = jdbc.sql(sql.toString()).params(params).query((rs, n) -> {
            ids.add(rs.getLong("id"));
            return new Event(rs.getTimestamp("at").toInstant(), rs.getString("actor"), rs.getString("channel"),
                    rs.getString("action"), rs.getString("target_type"), rs.getString("target"),
                    rs.getString("outcome"), (Integer) rs.getObject("status"), rs.getString("detail"));
        }).list();
        if (events.size() <= q.limit()) {
            return new Page<>(events, null);
        }
        return new Page<>(events.subList(0, q.limit()), PageRequest.cursorAt(String.valueOf(ids.get(q.limit() - 1))));
    }

    private static long eventId(String position) {
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw OffshootException.invalid("INVALID_CURSOR", "cursor is not one this API gave out");
        }
    }

    private static void filter(StringBuilder sql, List<Object> params, String column, String value) {
        if (value != null && !value.isBlank()) {
            sql.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
    }
}
