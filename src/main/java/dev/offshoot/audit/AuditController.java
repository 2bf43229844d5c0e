package dev.offshoot.audit;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.offshoot.auth.Scopes;
import dev.offshoot.auth.Tenancy;
import dev.offshoot.error.OffshootException;
import dev.offshoot.paging.Page;
import dev.offshoot.paging.PageRequest;

/** The audit log over REST, newest first; admin scope. */
@RestController
@PreAuthorize(Scopes.ADMIN)
@RequestMapping("/api/v1/audit")
class AuditController {

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    /** Newest first; {@code nextCursor} when older events match beyond {@code limit}. */
    record AuditList(List<AuditLog.Event> items, @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {
    }

    @GetMapping
    AuditList find(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
            @RequestParam(required = false) String targetType, @RequestParam(required = false) String target,
            @RequestParam(required = false) String outcome, @RequestParam(required = false) Instant since,
            @RequestParam(defaultValue = "100") int limit, @RequestParam(required = false) String cursor) {
        Tenancy.requireUnlimited("read the audit log");
        if (limit < 1 || limit > 1000) {
            throw OffshootException.invalid("INVALID_FILTER", "limit must be between 1 and 1000");
        }
        Page<AuditLog.Event> page = audit.find(new AuditLog.Query(actor, action, targetType, target, outcome, since,
                limit), new PageRequest(limit, cursor));
        return new AuditList(page.items(), page.nextCursor());
    }
}
