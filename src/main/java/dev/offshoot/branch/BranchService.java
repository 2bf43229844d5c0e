package dev.offshoot.branch;

import java.security.SecureRandom;
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
import dev.offshoot.error.OffshootException;
import dev.offshoot.instance.DataRef;
import dev.offshoot.instance.Resources;
import dev.offshoot.naming.NamedLocks;
import dev.offshoot.naming.Names;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.storage.Storage;
import dev.offshoot.storage.StorageDriver;
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
    private final ContainerRuntime runtime;
    private final BranchRequests requests;
    private final BranchParents parents;
    private final BranchPolicies policies;
    private final BranchResources resources;
    private final Storage storage;
    private final WarmPool pool;
    private final BranchReaders readers;
    private final NamedLocks locks = new NamedLocks(NamedLocks.DEFAULT_WAIT);

    BranchService(BranchRepository branches, TemplateService templates, BranchLauncher launcher,
            ContainerRuntime runtime, BranchPolicies policies, BranchResources resources,
            Storage storage, WarmPool pool, BranchReaders readers) {
        this.branches = branches;
        this.readers = readers;
        this.storage = storage;
        this.pool = pool;
        this.resources = resources;
        this.policies = policies;
        this.templates = templates;
        this.launcher = launcher;
        this.runtime = runtime;
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
        BranchParents.requireOne(request);
        return withLock(name, () -> {
            Optional<Branch> existing = branches.findLiveByName(name);
            if (existing.isPresent()) {
                if (!visible(existing.get())) {
                    throw OffshootException.conflict("NAME_TAKEN", "a branch named '" + name + "' already exists");
                }
                Branch same = parents.requireSame(existing.get(), request);
                // a retried create must get a working database: a FAILED one is recreated in place,
                // a STOPPED (idle) one started again
                return new Outcome(same.status() == BranchStatus.FAILED ? reset(name)
                        : same.status() == BranchStatus.STOPPED ? resume(same) : same, false);
            }
            BranchParents.Parent parent = parents.resolve(request);
            // --- warm pool hook (issue 11b): a create that a parked member can serve takes it ---
            if (servedByPool(parent, request)) {
                Optional<Branch> claimed = pool.claim(parent.template(), parent.revision(), new WarmPool.Claim(name,
                        labels, principal, expiresAt, Boolean.TRUE.equals(request.protectedBranch()), reader));
                if (claimed.isPresent()) {
                    return new Outcome(claimed.get(), true);
                }
            }
            Branch reserved = reserve(name, parent, labels, expiresAt, limits, request, principal);
            Branch branch = reserved;
            try {
                policies.checkQuota(principal, labels);
                if (reader != null) {
                    readers.prepare(branch.id(), reader);
                }
                Runnable copySource = () -> {
                };
                String sealedPassword = BranchLauncher.sealedPassword(branch, parent.template());
                boolean oneCopy = parent.source() != null && !resettable && launcher.copiesInto(parent.source());
                if (parent.source() != null) {
                    // the row names the image before the image exists: a concurrent delete's prune
                    // keeps every image a live row (CREATING included) names, so it cannot take it
                    branch.useSnapshot(launcher.snapshotRef(branch, parent.source()));
                    branch = branches.save(branch);
                    Branch child = branch;
                    // the copy of the source runs while the engine creates the child's container
                    copySource = () -> copySource(parent.source(), child, parent.template(), oneCopy);
                    // the snapshot carries the source's superuser password (should the source be reset
                    // meanwhile and copied again, its password is the same)
                    sealedPassword = BranchLauncher.superuserPassword(parent.source(), parent.template());
                }
                branch.started(launcher.launch(branch, parent.template(), copySource, sealedPassword, oneCopy));
                Branch saved = branches.save(branch);
                log.info("branch {} ({}) ready", name, saved.id());
                return new Outcome(saved, true);
            } catch (RuntimeException e) {
                rollback(reserved);
                throw e;
            }
        });
    }

    /** Warm pool hook (issue 11b): pools hold the latest revision with the default resources only. */
    private static boolean servedByPool(BranchParents.Parent parent, CreateBranchRequest request) {
        return parent.source() == null && request.resources() == null && parent.template().latestRevision()
                .map(latest -> latest.revision() == parent.revision().revision()).orElse(false);
    }

    /**
     * Warm pool hook (issue 11b): a member is reserved and started like a branch (same launcher,
     * same rollback), then parked as POOLED instead of READY.
     */
    Branch startPoolMember(Template template, TemplateRevision revision) {
        String name = WarmPool.memberName(UUID.randomUUID());
        return withLock(name, () -> {
            Branch member = reserve(name, new BranchParents.Parent(template, revision, null), Map.of(), null,
                    Resources.DEFAULTS,
                    new CreateBranchRequest(name, template.name(), revision.revision(), null, Map.of(), null, null,
                            false), WarmPool.CREATOR);
            String instanceHandle = null;
            try {
                instanceHandle = launcher.launch(member, template);
                member.pooled(instanceHandle);
                return branches.save(member);
            } catch (RuntimeException e) {
                // e.g. the template was deleted meanwhile and its rows with it: nothing may stay running
                if (instanceHandle != null) {
                    runtime.remove(instanceHandle);
                }
                rollback(member);
                throw e;
            }
        });
    }

    /**
     * Copies the source for a fork. The source's own name is not locked (only the child's is), so a
     * delete or reset of it may take its container away mid-copy: a deleted source answers
     * BRANCH_NOT_FOUND, a reset one is copied again from its new container, once.
     */
    private void copySource(Branch source, Branch child, Template template, boolean intoChild) {
        Branch current = source;
        for (int attempt = 1; ; attempt++) {
            try {
                if (intoChild) {
                    launcher.copyInto(current, child, template);
                } else {
                    launcher.snapshot(current, child, template);
                }
                return;
            } catch (RuntimeException e) {
                Branch now = branches.findById(source.id()).orElse(null);
                if (now == null || now.status() == BranchStatus.DELETING || now.status() == BranchStatus.DELETED) {
                    throw OffshootException.notFound("BRANCH_NOT_FOUND", "branch '" + source.name()
                            + "' was deleted while it was being copied");
                }
                boolean replaced = now.status() == BranchStatus.READY && now.instanceHandle() != null
                        && !now.instanceHandle().equals(current.instanceHandle());
                if (!replaced || attempt == 2) {
                    throw e;
                }
                current = now;
            }
        }
    }

    private Branch reserve(String name, BranchParents.Parent parent, Map<String, String> labels, Instant expiresAt,
            Resources limits, CreateBranchRequest request, String principal) {
        Template template = parent.template();
        // the row comes first: its instance key gets an endpoint only when the launch starts it
        Branch branch = new Branch(name, template.id(), parent.revision().revision(),
                parent.source() == null ? null : parent.source().id(), parent.revision().imageRef(),
                template.databaseName(), template.ownerRole(), newPassword(), principal,
                expiresAt, Boolean.TRUE.equals(request.protectedBranch()), labels);
        branch.useParent(parent.source() == null ? parent.revision().data() : parent.source().parent());
        branch.limitTo(limits);
        return branches.save(branch);
    }

    /**
     * A failed create leaves nothing: no container (the launcher removed it), no data, no endpoint
     * (its key is released), no row. A crash in between is the reconciler's to finish.
     */
    private void rollback(Branch branch) {
        try {
            removeData(branch);
        } finally {
            try {
                runtime.release(branch.instanceKey());
            } finally {
                branches.deleteById(branch.id());
            }
        }
    }

    /** Removes the branch's own data and the snapshot it was started from (its container is gone). */
    void removeData(Branch branch) {
        StorageDriver driver = storage.holding(branch.storageDriver());
        driver.removeBranch(branch.id());
        if (branch.snapshot() != null) {
            driver.remove(branch.snapshot());
        }
    }

    List<Branch> list(String status, String template, List<String> labelFilters) {
        Map<String, String> wanted = requests.labelFilters(labelFilters);
        BranchStatus statusFilter = requests.status(status);
        UUID templateId = template == null || template.isBlank() ? null : templates.get(template).id();
        List<Branch> candidates = statusFilter == BranchStatus.DELETED ? branches.findAll() : branches.findLive();
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
        return storage.holding(branch.storageDriver()).ownBytes(branch.instanceHandle(), branch.id());
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
                    && branch.status() != BranchStatus.STOPPED) {
                throw OffshootException.conflict("BRANCH_BUSY", "branch '" + name + "' is " + branch.status());
            }
            Template template = templates.byId(branch.templateId());
            // refused before anything is removed: reflink data under a service that runs overlay
            storage.copying(branch.storageDriver());
            if (branch.instanceHandle() != null) {
                runtime.remove(branch.instanceHandle());
            }
            branch.restarting();
            branch = branches.save(branch);
            try {
                branch.started(launcher.launch(branch, template));
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

    /** Starts a STOPPED branch's container again; same data, endpoint and password. */
    private Branch resume(Branch branch) {
        runtime.startExisting(branch.instanceHandle());
        launcher.awaitReady(branch, templates.byId(branch.templateId()));
        branch.resumed();
        log.info("branch {} ({}) started again", branch.name(), branch.id());
        return branches.save(branch);
    }

    /** Changes expiry and protection; an expiry is measured from now and capped by the maximum TTL. */
    Branch update(String name, UpdateBranchRequest request) {
        Instant expiresAt = request.ttl() == null && request.expiresAt() == null ? null
                : policies.expiry(requests.expiry(request.ttl(), request.expiresAt()));
        return withLock(name, () -> {
            Branch branch = live(name);
            if (expiresAt != null) {
                branch.expireAt(expiresAt);
            }
            if (request.protectedBranch() != null) {
                branch.protect(request.protectedBranch());
            }
            return branches.save(branch);
        });
    }

    void remove(Branch branch) {
        branch.deleting();
        branch = branches.save(branch);
        if (branch.instanceHandle() != null) {
            runtime.remove(branch.instanceHandle());
        }
        // no instance of the branch runs again: its endpoint goes back to the runtime
        runtime.release(branch.instanceKey());
        StorageDriver driver = storage.holding(branch.storageDriver());
        driver.removeBranch(branch.id());
        DataRef snapshot = branch.snapshot();
        branch.deleted();
        branches.save(branch);
        // a deleted branch's readers have nothing left to read: their passwords are not kept
        readers.forget(branch.id());
        if (snapshot != null) {
            driver.release(snapshot, () -> Set.copyOf(branches.findLiveSnapshotImages()));
        }
        log.info("branch {} ({}) deleted, its endpoint released", branch.name(), branch.id());
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

    private static String newPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
