package dev.offshoot.branch;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Scopes;
import dev.offshoot.paging.Page;
import dev.offshoot.paging.PageRequest;

/**
 * Branches over REST. Create answers when the branch accepts connections (201), or with the
 * existing branch (200, created=false) when the same name and parent were asked for before.
 */
@RestController
@PreAuthorize(Scopes.READ)
@RequestMapping("/api/v1/branches")
class BranchController {

    private final BranchOperations branches;
    private final AuditLog audit;

    BranchController(BranchOperations branches, AuditLog audit) {
        this.branches = branches;
        this.audit = audit;
    }

    /** A page of branches; {@code nextCursor} only when there is a next page (only ever with {@code limit}). */
    record BranchList(List<BranchView> items, @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {
    }

    @PreAuthorize(Scopes.WRITE)
    @PostMapping
    ResponseEntity<BranchView> create(@RequestBody CreateBranchRequest request) {
        BranchView branch = branches.create(request, CurrentPrincipal.get().name());
        return ResponseEntity.status(Boolean.TRUE.equals(branch.created()) ? HttpStatus.CREATED : HttpStatus.OK)
                .body(branch);
    }

    @GetMapping
    BranchList list(@RequestParam(required = false) String status, @RequestParam(required = false) String template,
            @RequestParam(name = "label", required = false) List<String> labels,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        Page<BranchView> page = branches.list(status, template, labels, new PageRequest(limit, cursor));
        return new BranchList(page.items(), page.nextCursor());
    }

    /**
     * One branch; for a caller that may write, with the owner's password, which is audited as a
     * reveal (branch.reveal, like the console's), since it lets the reader change the branch
     * outside the service.
     */
    @GetMapping("/{name}")
    BranchView get(@PathVariable String name) {
        BranchView branch = branches.get(name);
        if (branch.connection().password() != null) {
            audit.record(CurrentPrincipal.get().name(), "rest", "branch.reveal", "branch", branch.name(), true, 200,
                    "owner password in GET /api/v1/branches/{name}");
        }
        return branch;
    }

    /** Extends (or shortens) the expiry, or changes protection. */
    @PreAuthorize(Scopes.WRITE)
    @PatchMapping("/{name}")
    BranchView update(@PathVariable String name, @RequestBody UpdateBranchRequest request) {
        return branches.update(name, request);
    }

    @PreAuthorize(Scopes.WRITE)
    @PostMapping("/{name}/reset")
    BranchView reset(@PathVariable String name) {
        return branches.reset(name);
    }

    /** Stops the branch's server; its data and connection string stay, and a connection wakes it. */
    @PreAuthorize(Scopes.WRITE)
    @PostMapping("/{name}/suspend")
    BranchView suspend(@PathVariable String name) {
        return branches.suspend(name);
    }

    /** Starts a suspended branch's server; answers once it takes connections. */
    @PreAuthorize(Scopes.WRITE)
    @PostMapping("/{name}/wake")
    BranchView wake(@PathVariable String name) {
        return branches.wake(name);
    }

    @PreAuthorize(Scopes.WRITE)
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name,
            @RequestParam(name = "force", defaultValue = "false") boolean force) {
        branches.delete(name, force);
        return ResponseEntity.noContent().build();
    }
}
