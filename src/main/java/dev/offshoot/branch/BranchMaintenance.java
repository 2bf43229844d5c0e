package dev.offshoot.branch;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.InstanceState;
import dev.offshoot.provision.Inventory;
import dev.offshoot.provision.Provisioner;
import dev.offshoot.template.TemplateService;

/**
 * What the reaper, the reconciler and the gateway may do to branches, for callers outside this
 * package. Every change takes the branch's name lock, which every replica takes in the metadata
 * store (so it never overlaps a create, reset, delete or wake on any replica), and first re-reads
 * the row: it acts only when the row is still as the caller saw it.
 */
@Component
public class BranchMaintenance {

    private static final Logger log = LoggerFactory.getLogger(BranchMaintenance.class);

    private final BranchService service;
    private final BranchRepository branches;
    private final BranchLauncher launcher;
    private final Provisioner provisioner;
    private final Inventory inventory;
    private final TemplateService templates;
    private final RuntimeProperties properties;
    private final IdleSettings idle;

    BranchMaintenance(BranchService service, BranchRepository branches, BranchLauncher launcher,
            Provisioner provisioner, Inventory inventory, TemplateService templates, RuntimeProperties properties,
            IdleSettings idle) {
        this.idle = idle;
        this.service = service;
        this.branches = branches;
        this.launcher = launcher;
        this.provisioner = provisioner;
        this.inventory = inventory;
        this.templates = templates;
        this.properties = properties;
    }

    /**
     * A read-only copy of a branch row.
     *
     * @param idleSuspend the idle suspension that applies to it (its own, its template's or the
     *                    service's; zero: never); null where it was not looked up
     */
    public record BranchRecord(UUID id, String name, BranchStatus status, String instanceHandle,
            Map<String, String> labels, boolean protectedBranch, Instant createdAt, Instant expiresAt,
            Instant lastActivityAt, Instant statusSince, Duration idleSuspend) {

        /** A record whose idle suspension was not looked up. */
        public BranchRecord(UUID id, String name, BranchStatus status, String instanceHandle,
                Map<String, String> labels, boolean protectedBranch, Instant createdAt, Instant expiresAt,
                Instant lastActivityAt, Instant statusSince) {
            this(id, name, status, instanceHandle, labels, protectedBranch, createdAt, expiresAt, lastActivityAt,
                    statusSince, null);
        }

        static BranchRecord of(Branch b) {
            return of(b, null);
        }

        static BranchRecord of(Branch b, Duration idleSuspend) {
            return new BranchRecord(b.id(), b.name(), b.status(), b.instanceHandle(), b.labels(),
                    b.isProtected(), b.createdAt(), b.expiresAt(), b.lastActivityAt(),
                    b.statusSince() == null ? b.createdAt() : b.statusSince(), idleSuspend);
        }
    }

    /** Every live branch, with the idle suspension that applies to it. */
    public List<BranchRecord> live() {
        IdleSettings.Lookup idleOf = idle.lookup();
        return branches.findLive().stream().map(b -> BranchRecord.of(b, idleOf.of(b).value())).toList();
    }

    public List<BranchRecord> liveOfPullRequest(String repo, String pr) {
        return branches.findLiveByPullRequest(repo, pr).stream().map(BranchRecord::of).toList();
    }

    /** Deletes a branch for the reaper; protected branches and rows that changed meanwhile are kept. */
    public boolean reapDelete(BranchRecord seen) {
        return actIfSettled(seen, b -> {
            if (b.isProtected()) {
                return false;
            }
            service.remove(b);
            return true;
        });
    }

    /**
     * Deletes a branch the reaper found idle: only when nothing happened to it since it was read
     * (same status since the same time, same recorded activity; not protected) and, when it runs, no
     * client session is open on it, Offshoot's own included (a migration, a direct connection:
     * then its activity is recorded now). A branch that cannot be asked is kept.
     */
    public boolean reapIdle(BranchRecord seen) {
        return actIfSettled(seen, b -> {
            if (b.isProtected() || usedSince(b, seen)) {
                return false;
            }
            if (b.status() == BranchStatus.READY && inUse(b)) {
                return false;
            }
            service.remove(b);
            return true;
        });
    }

    /** Whether it was woken, suspended, reset or used (activity recorded) since the sweep read it. */
    private static boolean usedSince(Branch b, BranchRecord seen) {
        return b.status() != seen.status() || !Objects.equals(b.lastActivityAt(), seen.lastActivityAt())
                || !Objects.equals(BranchRecord.of(b).statusSince(), seen.statusSince());
    }

    /** Whether a client session is open on a running branch (or it cannot be asked); records activity when in use. */
    private boolean inUse(Branch b) {
        try {
            if (launcher.clientConnections(b, templates.byId(b.templateId()), true) == 0) {
                return false;
            }
            b.activeAt(Instant.now());
            branches.save(b);
        } catch (SQLException | RuntimeException e) {
            log.debug("branch {} kept, its sessions are unknown: {}", b.name(), e.getMessage());
        }
        return true;
    }

    /**
     * Suspends an idle READY branch (the gateway's idle suspension): only when no client session is
     * open on it, Offshoot's own included, so a branch in use outside the gateway (a migration, a
     * direct connection) is never stopped under its user.
     */
    public boolean suspendIdle(BranchRecord seen) {
        return actIfSettled(seen, b -> {
            if (b.status() != BranchStatus.READY || b.instanceHandle() == null) {
                return false;
            }
            try {
                if (launcher.clientConnections(b, templates.byId(b.templateId()), true) > 0) {
                    return false;
                }
            } catch (SQLException | RuntimeException e) {
                log.debug("branch {} not suspended, its sessions are unknown: {}", b.name(), e.getMessage());
                return false;
            }
            service.suspend(b);
            return true;
        });
    }

    /**
     * Starts a SUSPENDED branch again for a client that wants to connect to it (the gateway's wake on
     * connect), and answers the row as it is then (READY when it runs). Under the branch's name
     * lock, held in the metadata store: of replicas (or connections) waking one branch at once, one
     * starts it and the others wait for the lock and find it READY, so a branch is never started
     * twice. Empty when no live branch has the name; a row in another state is answered as it is.
     */
    public Optional<BranchRecord> wake(String name) {
        return service.withLock(name, () -> branches.findLiveByName(name).map(b -> b.status() == BranchStatus.SUSPENDED
                ? service.resume(b) : b).map(BranchRecord::of));
    }

    /** Client connections other than Offshoot's own, or empty when the branch cannot be asked. */
    public Optional<Integer> clientConnections(BranchRecord record) {
        return branches.findById(record.id()).flatMap(b -> {
            try {
                return Optional.of(launcher.clientConnections(b, templates.byId(b.templateId()), false));
            } catch (SQLException | RuntimeException e) {
                log.debug("activity of branch {} unknown: {}", b.name(), e.getMessage());
                return Optional.empty();
            }
        });
    }

    public void recordActivity(BranchRecord seen, Instant at) {
        actIfSettled(seen, b -> {
            b.activeAt(at);
            branches.save(b);
            return true;
        });
    }

    /** A CREATING row whose create never finished (no container was ever recorded): undo it. */
    public boolean rollBackCreate(BranchRecord seen) {
        return act(seen, b -> {
            // a create may have started a container it never recorded: all of the branch's go
            service.rollback(b, b.instance().withoutHandle());
            log.warn("rolled back unfinished create of branch {} ({}), its endpoint released", b.name(), b.id());
            return true;
        });
    }

    /** A DELETING row whose delete never finished: finish it. */
    public boolean finishDelete(BranchRecord seen) {
        return act(seen, b -> {
            // a delete may have been interrupted after a reset started a container it never recorded
            service.remove(b, b.instance().withoutHandle());
            return true;
        });
    }

    /**
     * The branch's container is gone (or its reset was interrupted): recreate it from the parent
     * image under the same instance key (so on the same endpoint) with the same credentials, or mark
     * the branch FAILED when that fails.
     */
    public boolean recreate(BranchRecord seen, String why) {
        return act(seen, b -> {
            b.restarting();
            Branch saved = branches.save(b);
            try {
                saved.started(launcher.relaunch(saved, templates.byId(saved.templateId())));
                branches.save(saved);
                log.warn("branch {} ({}) recreated: {}", saved.name(), saved.id(), why);
                return true;
            } catch (RuntimeException e) {
                saved.failed(why + "; recreating it failed: " + e.getMessage());
                branches.save(saved);
                log.error("branch {} ({}) marked FAILED: {}; recreating failed: {}", saved.name(), saved.id(), why,
                        e.getMessage());
                return false;
            }
        });
    }

    public boolean markFailed(BranchRecord seen, String why) {
        return act(seen, b -> {
            b.failed(why);
            branches.save(b);
            log.error("branch {} ({}) marked FAILED: {}", b.name(), b.id(), why);
            return true;
        });
    }

    /** Starts a READY branch's container that is not running (engine restart) and waits for it. */
    public boolean restart(BranchRecord seen) {
        return act(seen, b -> {
            launcher.resume(b, templates.byId(b.templateId()));
            log.warn("branch {} ({}) was not running; started it again", b.name(), b.id());
            return true;
        });
    }

    /**
     * Removes data directories of branches that have no live row (a crash between a copy and its
     * row, a delete that failed halfway), like orphan containers, and revision directories no
     * template names once they are older than any build may take. Returns how many.
     */
    public int removeOrphanData() {
        java.time.Duration longestBuild = properties.importTimeout().plus(properties.readyTimeout())
                .plus(properties.stopTimeout());
        return inventory.removeOrphanData(() -> branches.findLive().stream().map(Branch::id)
                .collect(java.util.stream.Collectors.toSet()), templates::revisionDataPaths,
                longestBuild.multipliedBy(2));
    }

    /**
     * Forgets branches deleted before {@code before}: their rows (with labels and reader rows), at most
     * {@code max} per call, oldest first. Returns how many went.
     */
    public int purgeDeleted(Instant before, int max) {
        return branches.purgeDeleted(before, max);
    }

    /**
     * Releases the endpoints of instance keys no live branch has (a crash between a rolled-back or
     * finished delete's removal of its row and the release). Returns how many.
     */
    public int releaseUnusedEndpoints() {
        List<String> released = inventory.releaseUnusedEndpoints(() -> branches.findLive().stream()
                .map(Branch::instanceKey).collect(java.util.stream.Collectors.toSet()));
        released.forEach(key -> log.warn("released the endpoint of instance {}: no live branch has it", key));
        return released.size();
    }

    public Optional<InstanceState> instanceState(String instanceHandle) {
        return inventory.state(instanceHandle);
    }

    /**
     * Runs a reaper action under the name lock when the branch is still live and settled (READY,
     * SUSPENDED or FAILED): a branch suspended or failed since it was read is still reaped, one being
     * created, reset or deleted is not.
     */
    private boolean actIfSettled(BranchRecord seen, Function<Branch, Boolean> action) {
        return service.withLock(seen.name(), () -> branches.findById(seen.id())
                .filter(b -> b.status() == BranchStatus.READY || b.status() == BranchStatus.SUSPENDED
                        || b.status() == BranchStatus.FAILED)
                .map(action)
                .orElse(false));
    }

    /**
     * Runs a repair under the name lock when the row is unchanged since it was seen (the reconciler
     * reads rows before it lists containers): same status, container and time of its last transition,
     * so a create, reset or delete that ran in between is never undone. A name that a request or
     * another replica holds now is passed over without waiting: whoever holds it is working on the
     * row, and the next pass looks again.
     */
    private boolean act(BranchRecord seen, Function<Branch, Boolean> action) {
        return service.withLockIfFree(seen.name(), () -> branches.findById(seen.id())
                .filter(b -> unchanged(BranchRecord.of(b), seen))
                .map(action)
                .orElse(false)).orElse(false);
    }

    private static boolean unchanged(BranchRecord now, BranchRecord seen) {
        return now.status() == seen.status() && Objects.equals(now.instanceHandle(), seen.instanceHandle())
                && Objects.equals(now.statusSince(), seen.statusSince());
    }
}
