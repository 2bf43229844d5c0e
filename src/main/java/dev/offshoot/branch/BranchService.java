package dev.offshoot.branch;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.offshoot.auth.Principal;
import dev.offshoot.auth.Tenancy;
import dev.offshoot.config.IdleSuspend;
import dev.offshoot.error.OffshootException;
import dev.offshoot.instance.Resources;
import dev.offshoot.naming.NamedLocks;
import dev.offshoot.naming.Names;
import dev.offshoot.naming.SharedLocks;
import dev.offshoot.provision.Instance;
import dev.offshoot.provision.Origin;
import dev.offshoot.provision.Provisioner;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateBranches;
import dev.offshoot.template.TemplateRevision;
import dev.offshoot.template.TemplateService;

/** Branches: idempotent create, list, get, reset, delete. */
@Service
class BranchService implements TemplateBranches {

    private static final Logger log = LoggerFactory.getLogger(BranchService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BranchRepository branches;
    private final TemplateService templates;
    private final BranchLauncher launcher;
    private final Provisioner provisioner;
    private final BranchRequests requests;
    private final BranchParents parents;
    private final BranchPolicies policies;
    private final BranchResources resources;
    private final WarmPool pool;
    private final BranchReaders readers;
    private final CreateTimer createTimer;
    /** Every change of a branch row's status is made under its name's lock, on every replica. */
    private final NamedLocks locks;

    BranchService(BranchRepository branches, TemplateService templates, BranchLauncher launcher,
            Provisioner provisioner, BranchPolicies policies, BranchResources resources, WarmPool pool,
            BranchReaders readers, SharedLocks sharedLocks, CreateTimer createTimer) {
        this.createTimer = createTimer;
        this.locks = new NamedLocks("branch", NamedLocks.DEFAULT_WAIT, sharedLocks);
        this.branches = branches;
        this.readers = readers;
        this.pool = pool;
        this.resources = resources;
        this.policies = policies;
        this.templates = templates;
        this.launcher = launcher;
        this.provisioner = provisioner;
        this.requests = new BranchRequests();
        this.parents = new BranchParents(branches, templates, this::live);
    }

    record Outcome(Branch branch, boolean created) {
    }

    Outcome create(CreateBranchRequest request, String principal) {
        return create(request, principal, true);
    }

    /**
     * @param resettable false for a throwaway that is never reset: a branch of a branch then gets
     *                   one copy of its source (where the storage driver can) and keeps no snapshot;
     *                   a reset of it fails with DATA_NOT_FOUND
     */
    Outcome create(CreateBranchRequest request, String principal, boolean resettable) {
        return create(request, principal, resettable, null);
    }

    /**
     * A create whose answer shows {@code reader} its reader role: the role is set up by the launch
     * (or the pool claim) in the batch that sets the branch's passwords, so the answer needs no
     * login of its own. Throwaways get no reader: a copy holds only its source's (locked) roles.
     */
    Outcome createFor(CreateBranchRequest request, String principal, Principal reader) {
        return create(request, principal, true, reader);
    }

    private Outcome create(CreateBranchRequest request, String principal, boolean resettable, Principal reader) {
        String name = Names.requireResourceName("branch", request.name());
        Map<String, String> labels = Tenancy.stampLabels(requests.labels(request.labels()));
        Instant expiresAt = policies.expiry(requests.expiry(request.ttl(), request.expiresAt()));
        Resources limits = resources.of(request.resources());
        Duration idle = IdleSuspend.parse(request.idleSuspend());
        BranchParents.requireOne(request);
        wakeSource(request);
        return withLock(name, () -> {
            Optional<Branch> existing = branches.findLiveByName(name);
            if (existing.isPresent()) {
                if (!visible(existing.get())) {
                    throw OffshootException.conflict("NAME_TAKEN", "a branch named '" + name + "' already exists");
                }
                Branch same = parents.requireSame(existing.get(), request);
                // a retried create must get a working database: a FAILED one is recreated in place,
                // a SUSPENDED one woken
                return new Outcome(same.status() == BranchStatus.FAILED ? reset(name)
                        : same.status() == BranchStatus.SUSPENDED ? resume(same) : same, false);
            }
            BranchParents.Parent parent = parents.resolve(request);
            return createTimer.time(parent instanceof BranchParents.FromBranch ? "branch" : "template", source -> {
                // a create that a parked warm-pool member can serve takes it
                if (servedByPool(parent, request)) {
                    Optional<Branch> claimed = pool.claim(parent.template(), parent.revision(), new WarmPool.Claim(
                            name, labels, principal, expiresAt, Boolean.TRUE.equals(request.protectedBranch()), reader));
                    if (claimed.isPresent()) {
                        source.set("pool");
                        return new Outcome(suspendIdleAfter(claimed.get(), idle), true);
                    }
                }
                Branch branch = reserve(name, parent, labels, expiresAt, limits, request, principal);
                branch.suspendIdleAfter(idle);
                try {
                    policies.checkQuota(principal, labels);
                    if (reader != null) {
                        readers.prepare(branch.id(), reader);
                    }
                    Branch saved = branches.save(launch(branch, parent, resettable));
                    log.info("branch {} ({}) ready", name, saved.id());
                    return new Outcome(saved, true);
                } catch (RuntimeException e) {
                    rollback(branch);
                    throw e;
                }
            });
        });
    }

    /** A claimed pool member with the create's own idle suspension, when it asked for one. */
    private Branch suspendIdleAfter(Branch claimed, Duration idle) {
        if (idle == null) {
            return claimed;
        }
        claimed.suspendIdleAfter(idle);
        return branches.save(claimed);
    }

    /** A fork copies its source's running server: a suspended source is woken first. */
    private void wakeSource(CreateBranchRequest request) {
        if (request.fromBranch() != null && !request.fromBranch().isBlank()) {
            branches.findLiveByName(request.fromBranch()).filter(this::visible)
                    .filter(b -> b.status() == BranchStatus.SUSPENDED).ifPresent(b -> wake(b.name()));
        }
    }

    /**
     * Starts a reserved branch's instance from its parent and returns the row with its handle. A
     * fork's row names its snapshot before the snapshot exists (saved here): a concurrent delete's
     * prune keeps every snapshot a live row (CREATING included) names, so it cannot take it.
     */
    private Branch launch(Branch branch, BranchParents.Parent parent, boolean resettable) {
        Template template = parent.template();
        switch (parent) {
            case BranchParents.FromRevision revision -> branch.started(launcher.launch(branch, template,
                    new Origin.CopyOf(revision.revision().data()), BranchLauncher.sealedPassword(branch, template)));
            case BranchParents.FromBranch fork -> {
                Branch source = fork.source();
                branch.useSnapshot(provisioner.plannedSnapshot(branch.id(), branch.name(), source.instance()));
                Branch child = branches.save(branch);
                RunningSource running = new RunningSource(source, template, branches);
                // never reset: one copy straight into the child where the driver can, no snapshot kept
                Origin origin = !resettable && provisioner.copiesRunning(source.instance())
                        ? new Origin.OneCopyOf(running, child.parent()) : new Origin.SnapshotOf(running, child.parent());
                // the copy carries the source's superuser password (should the source be reset
                // meanwhile and copied again, its password is the same)
                child.started(launcher.launch(child, template, origin, running.superuserPassword()));
                return child;
            }
        }
        return branch;
    }

    /** Whether the warm pool may serve a create: pools hold the latest revision with the default resources only. */
    private static boolean servedByPool(BranchParents.Parent parent, CreateBranchRequest request) {
        return parent instanceof BranchParents.FromRevision && request.resources() == null && parent.template().latestRevision()
                .map(latest -> latest.revision() == parent.revision().revision()).orElse(false);
    }

    /**
     * A warm-pool member is reserved and started like a branch (same launcher,
     * same rollback), then parked as POOLED instead of READY.
     */
    Branch startPoolMember(Template template, TemplateRevision revision) {
        String name = WarmPool.memberName(UUID.randomUUID());
        return withLock(name, () -> {
            Branch member = reserve(name, new BranchParents.FromRevision(template, revision), Map.of(), null,
                    Resources.DEFAULTS,
                    new CreateBranchRequest(name, template.name(), revision.revision(), null, Map.of(), null, null,
                            false), WarmPool.CREATOR);
            try {
                member.pooled(launcher.launch(member, template, new Origin.CopyOf(revision.data()),
                        BranchLauncher.sealedPassword(member, template)));
                return branches.save(member);
            } catch (RuntimeException e) {
                // e.g. the template was deleted meanwhile and its rows with it: nothing may stay running
                rollback(member);
                throw e;
            }
        });
    }

    private Branch reserve(String name, BranchParents.Parent parent, Map<String, String> labels, Instant expiresAt,
            Resources limits, CreateBranchRequest request, String principal) {
        Template template = parent.template();
        // the row comes first: its instance key gets an endpoint only when the launch starts it
        Branch branch = new Branch(name, template.id(), parent.revision().revision(),
                parent instanceof BranchParents.FromBranch fork ? fork.source().id() : null,
                parent.revision().imageRef(),
                template.databaseName(), template.ownerRole(), newPassword(), principal,
                expiresAt, Boolean.TRUE.equals(request.protectedBranch()), labels);
        branch.useParent(switch (parent) {
            case BranchParents.FromRevision revision -> revision.revision().data();
            case BranchParents.FromBranch fork -> fork.source().parent();
        });
        branch.limitTo(limits);
        return branches.save(branch);
    }

    /**
     * A failed create leaves nothing: no container, no data, no endpoint (its key is released), no
     * snapshot, no row. A crash in between is the reconciler's to finish.
     */
    void rollback(Branch branch) {
        rollback(branch, branch.instance());
    }

    /** {@link #rollback(Branch)} of the given instance of the branch (one without a handle: all of the branch's). */
    void rollback(Branch branch, Instance instance) {
        provisioner.destroy(instance, () -> branches.deleteById(branch.id()), this::liveSnapshots);
    }

    private Set<String> liveSnapshots() {
        return Set.copyOf(branches.findLiveSnapshotImages());
    }

    List<Branch> list(String status, String template, List<String> labelFilters) {
        Map<String, String> wanted = requests.labelFilters(labelFilters);
        BranchStatus statusFilter = requests.status(status);
        UUID templateId = template == null || template.isBlank() ? null : templates.get(template).id();
        List<Branch> candidates = statusFilter == BranchStatus.DELETED ? branches.findDeleted() : branches.findLive();
        return candidates.stream()
                .filter(b -> !WarmPool.isMember(b))
                .filter(b -> statusFilter == null || b.status() == statusFilter)
                .filter(b -> templateId == null || templateId.equals(b.templateId()))
                .filter(b -> b.labels().entrySet().containsAll(wanted.entrySet()))
                .filter(this::visible)
                .toList();
    }

    /** A live branch within the current caller's limits; others are reported as not found. */
    Branch live(String name) {
        return branches.findLiveByName(name).filter(b -> !WarmPool.isMember(b)).filter(this::visible)
                .orElseThrow(() -> OffshootException.notFound(
                "BRANCH_NOT_FOUND", "no live branch named '" + name + "'"));
    }

    private boolean visible(Branch branch) {
        // the template's name costs a query; only a caller limited to some templates needs it
        return Tenancy.maySeeBranch(Tenancy.limitedToTemplates() ? templateName(branch) : null, branch.labels());
    }

    Optional<Long> diskUsage(Branch branch) {
        return provisioner.ownBytes(branch.instance());
    }

    String templateName(Branch branch) {
        return templates.byId(branch.templateId()).name();
    }

    Optional<String> parentBranchName(Branch branch) {
        return branch.parentBranchId() == null ? Optional.empty()
                : branches.findById(branch.parentBranchId()).map(Branch::name);
    }

    /** Recreates the container from the parent image with the same endpoint and credentials. */
    Branch reset(String name) {
        return withLock(name, () -> {
            Branch branch = live(name);
            if (branch.status() != BranchStatus.READY && branch.status() != BranchStatus.FAILED
                    && branch.status() != BranchStatus.SUSPENDED) {
                throw OffshootException.conflict("BRANCH_BUSY", "branch '" + name + "' is " + branch.status());
            }
            Template template = templates.byId(branch.templateId());
            launcher.takeDown(branch);
            branch.restarting();
            branch = branches.save(branch);
            try {
                branch.started(launcher.reset(branch, template));
            } catch (RuntimeException e) {
                branch.failed("reset failed: " + e.getMessage());
                branches.save(branch);
                throw e;
            }
            log.info("branch {} reset to {}", name, branch.parentImage());
            return branches.save(branch);
        });
    }

    void delete(String name, boolean force) {
        withLock(name, () -> {
            Branch branch = live(name);
            if (branch.isProtected() && !force) {
                throw OffshootException.conflict("BRANCH_PROTECTED", "branch '" + name
                        + "' is protected; pass force=true to delete it");
            }
            remove(branch);
            return null;
        });
    }

    /**
     * Stops a READY branch's server cleanly; its data, name, connection string and passwords stay,
     * and the gateway wakes it on the next connection. A suspended branch stays as it is; one in
     * any other status is BRANCH_BUSY.
     */
    Branch suspend(String name) {
        return withLock(name, () -> {
            Branch branch = live(name);
            return branch.status() == BranchStatus.SUSPENDED ? branch : suspend(branch);
        });
    }

    /** {@link #suspend(String)} of a row read under its name's lock. */
    Branch suspend(Branch branch) {
        if (branch.status() != BranchStatus.READY || branch.instanceHandle() == null) {
            throw OffshootException.conflict("BRANCH_BUSY", "branch '" + branch.name() + "' is " + branch.status());
        }
        provisioner.stop(branch.instance());
        branch.suspended();
        log.info("branch {} ({}) suspended", branch.name(), branch.id());
        return branches.save(branch);
    }

    /**
     * Starts a SUSPENDED branch's server again and returns once it takes logins; a READY branch is
     * returned as it is, one in any other status is BRANCH_NOT_READY.
     */
    Branch wake(String name) {
        return withLock(name, () -> {
            Branch branch = live(name);
            if (branch.status() == BranchStatus.READY) {
                return branch;
            }
            if (branch.status() != BranchStatus.SUSPENDED) {
                throw OffshootException.conflict("BRANCH_NOT_READY", "branch '" + name + "' is " + branch.status());
            }
            return resume(branch);
        });
    }

    /**
     * Starts a SUSPENDED branch's server again; same data, connection string and passwords. The
     * caller holds its name.
     */
    Branch resume(Branch branch) {
        launcher.resume(branch, templates.byId(branch.templateId()));
        branch.resumed();
        log.info("branch {} ({}) started again", branch.name(), branch.id());
        return branches.save(branch);
    }

    /**
     * Changes expiry, protection and idle suspension; an expiry is measured from now and capped by
     * the maximum TTL.
     */
    Branch update(String name, UpdateBranchRequest request) {
        Instant expiresAt = request.ttl() == null && request.expiresAt() == null ? null
                : policies.expiry(requests.expiry(request.ttl(), request.expiresAt()));
        Duration idle = request.idleSuspend() == null ? null : IdleSuspend.change(request.idleSuspend());
        return withLock(name, () -> {
            Branch branch = live(name);
            if (expiresAt != null) {
                branch.expireAt(expiresAt);
            }
            if (request.protectedBranch() != null) {
                branch.protect(request.protectedBranch());
            }
            if (request.idleSuspend() != null) {
                branch.suspendIdleAfter(idle);
            }
            return branches.save(branch);
        });
    }

    void remove(Branch branch) {
        remove(branch, branch.instance());
    }

    /** {@link #remove(Branch)} of the given instance of the branch (one without a handle: all of the branch's). */
    void remove(Branch branch, Instance instance) {
        branch.deleting();
        Branch deleting = branches.save(branch);
        provisioner.destroy(instance, () -> {
            deleting.deleted();
            branches.save(deleting);
            // a deleted branch's readers have nothing left to read: their passwords are not kept
            readers.forget(deleting.id());
        }, this::liveSnapshots);
        log.info("branch {} ({}) deleted, its endpoint released", deleting.name(), deleting.id());
    }

    @Override
    public Map<Integer, Long> liveBranchCounts(UUID templateId) {
        return branches.findLiveByTemplate(templateId).stream()
                .filter(b -> !WarmPool.isMember(b))
                .collect(Collectors.groupingBy(Branch::templateRevision, Collectors.counting()));
    }

    @Override
    public void deleteAllOf(UUID templateId) {
        for (Branch branch : branches.findLiveByTemplate(templateId)) {
            withLock(branch.name(), () -> {
                branches.findById(branch.id()).filter(b -> b.status() != BranchStatus.DELETED).ifPresent(this::remove);
                return null;
            });
        }
    }

    <T> T withLock(String name, Supplier<T> action) {
        return locks.withLock(name, action);
    }

    /** {@link NamedLocks#withLockIfFree}: empty when a request or a replica holds the name now. */
    <T> Optional<T> withLockIfFree(String name, Supplier<T> action) {
        return locks.withLockIfFree(name, action);
    }

    private static String newPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
