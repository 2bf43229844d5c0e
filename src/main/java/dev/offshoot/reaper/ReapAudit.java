package dev.offshoot.reaper;

import java.sql.Timestamp;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.branch.BranchMaintenance.BranchRecord;

/**
 * Records every reap: a row in {@code reap_event} (reason and branch id, for the reaper's own
 * queries), an event in the general audit log ({@code /api/v1/audit}), a log line
 * and the counter {@code offshoot.reaper.reaped{reason, action}}.
 */
@Component
class ReapAudit {

    private static final Logger log = LoggerFactory.getLogger(ReapAudit.class);

    /** Why a branch was reaped; the metric tag and the audit row's reason. */
    enum Reason {
        PR_CLOSED, TTL, IDLE;

        String tag() {
            return name().toLowerCase();
        }
    }

    private final JdbcTemplate jdbc;
    private final MeterRegistry meters;
    private final AuditLog audit;

    ReapAudit(JdbcTemplate jdbc, MeterRegistry meters, AuditLog audit) {
        this.jdbc = jdbc;
        this.meters = meters;
        this.audit = audit;
    }

    void reaped(BranchRecord branch, Reason reason, String action, String detail) {
        jdbc.update("INSERT INTO reap_event (branch_id, branch_name, reason, action, at, detail) VALUES (?, ?, ?, ?, ?, ?)",
                branch.id(), branch.name(), reason.tag(), action, Timestamp.from(Instant.now()), detail);
        Counter.builder("offshoot.reaper.reaped").description("branches deleted or stopped by the reaper")
                .tag("reason", reason.tag()).tag("action", action).register(meters).increment();
        audit.record("reaper", reason == Reason.PR_CLOSED ? "webhook" : "system", "branch.reap." + reason.tag(),
                "branch", branch.name(), true, null, action + (detail == null ? "" : ": " + detail));
        log.info("reaped branch {} ({}): {} {} ({})", branch.name(), branch.id(), action, reason.tag(), detail);
    }

    /** Counts a failed background pass; the jobs never let an exception escape. */
    void jobFailed(String job, Exception e) {
        Counter.builder("offshoot.reaper.errors").description("failed reaper and reconciler passes")
                .tag("job", job).register(meters).increment();
        log.error("{} failed: {}", job, e.getMessage(), e);
    }
}
