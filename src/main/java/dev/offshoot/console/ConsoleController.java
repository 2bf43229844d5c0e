package dev.offshoot.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Principal;
import dev.offshoot.auth.Scope;
import dev.offshoot.auth.Scopes;
import dev.offshoot.auth.TokenService;
import dev.offshoot.branch.BranchOperations;
import dev.offshoot.branch.BranchView;
import dev.offshoot.error.OffshootException;

/**
 * What the web console needs beyond the plain REST resources: who is signed in, the branch table
 * with each branch's own disk, cleanup suggestions and an audited reveal of a connection string.
 * Everything goes through {@link BranchOperations}, so tenancy and scopes are those of REST.
 */
@RestController
@PreAuthorize(Scopes.READ)
class ConsoleController {

    private final BranchOperations branches;
    private final DiskUsageCache disk;
    private final TokenService tokens;

    ConsoleController(BranchOperations branches, DiskUsageCache disk, TokenService tokens) {
        this.branches = branches;
        this.disk = disk;
        this.tokens = tokens;
    }

    /** The signed-in token: the console shows only the controls its scopes allow. */
    record Session(String name, List<String> scopes, boolean unlimited) {
    }

    record ConsoleBranches(Instant at, List<BranchView> items) {
    }

    record Cleanup(Instant at, List<CleanupSuggestions.Group> groups) {
    }

    @GetMapping("/api/v1/console/session")
    Session session() {
        Principal caller = CurrentPrincipal.get();
        return new Session(caller.name(), java.util.Arrays.stream(Scope.values()).filter(caller::has)
                .map(Scope::wire).toList(), caller.unlimited());
    }

    @GetMapping("/api/v1/console/branches")
    ConsoleBranches list() {
        return new ConsoleBranches(Instant.now(), withDisk());
    }

    @GetMapping("/api/v1/console/cleanup")
    Cleanup cleanup(@RequestParam(defaultValue = "7") int idleDays, @RequestParam(defaultValue = "10") int largest) {
        if (idleDays < 1 || idleDays > 3650 || largest < 1 || largest > 100) {
            throw OffshootException.invalid("INVALID_FILTER", "idleDays must be 1-3650 and largest 1-100");
        }
        Instant now = Instant.now();
        return new Cleanup(now, CleanupSuggestions.of(withDisk(), tokens.revokedNames(), now,
                new CleanupSuggestions.Settings(Duration.ofDays(idleDays), largest)));
    }

    /** The owner's connection string of one branch; a POST so that the audit log records it as branch.reveal. */
    @PreAuthorize(Scopes.WRITE)
    @PostMapping("/api/v1/branches/{name}/reveal")
    BranchView.Connection reveal(@PathVariable String name) {
        return branches.get(name).connection();
    }

    private List<BranchView> withDisk() {
        return disk.fill(branches.list(null, null, null), b -> {
            try {
                return branches.diskUsage(b.name());
            } catch (OffshootException gone) {
                return null;
            }
        });
    }
}
