package dev.offshoot.branch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Principal;
import dev.offshoot.paging.Page;
import dev.offshoot.paging.PageRequest;
import dev.offshoot.paging.Positions;

/**
 * The branch feature as other features see it (REST, MCP): every answer is a {@link BranchView}
 * with connection details, computed the same way for every channel; which secrets it carries is
 * decided by {@link Disclosure}.
 */
@Component
public class BranchOperations {

    private final BranchService service;
    private final Entrances entrances;
    private final BranchReaders readers;
    private final IdleSettings idle;

    BranchOperations(BranchService service, Entrances entrances, BranchReaders readers, IdleSettings idle) {
        this.service = service;
        this.entrances = entrances;
        this.readers = readers;
        this.idle = idle;
    }

    public BranchView create(CreateBranchRequest request, String createdBy) {
        BranchService.Outcome outcome = service.createFor(request, createdBy, CurrentPrincipal.get());
        return view(outcome.branch(), outcome.created(), false, true);
    }

    public List<BranchView> list(String status, String template, List<String> labels) {
        return list(status, template, labels, PageRequest.ALL).items();
    }

    /** One page of the branches the caller may see, oldest first. */
    public Page<BranchView> list(String status, String template, List<String> labels, PageRequest request) {
        // a list of hundreds shares a handful of templates: look each one up once, not once per branch
        Map<UUID, String> templateNames = new HashMap<>();
        Principal caller = CurrentPrincipal.get();
        Disclosure disclosure = Disclosure.of(caller, false);
        // a list names the caller's reader role, which it never creates, and carries no password
        BranchReaders.Reader listed = new BranchReaders.Reader(BranchReaders.roleName(caller), null);
        Page<Branch> branches = Page.of(service.list(status, template, labels),
                b -> Positions.of(b.createdAt(), b.id()), request);
        // and where they are reached in one look-up
        Map<String, BranchView.Entrance> reached = entrances.of(branches.items());
        IdleSettings.Lookup idleOf = idle.lookup();
        return branches.map(b -> BranchView.of(b,
                templateNames.computeIfAbsent(b.templateId(), id -> service.templateName(b)),
                service.parentBranchName(b).orElse(null), reached.get(b.instanceKey()), null, null, disclosure,
                b.readonlyPassword() == null ? null : listed, idleOf.of(b)));
    }

    /** One live branch, with the disk its own layer uses. */
    public BranchView get(String name) {
        return view(service.live(name), null, true, true);
    }

    /** The disk one live branch's own layer uses (the console's table), without any credential. */
    public Long diskUsage(String name) {
        return service.diskUsage(service.live(name)).orElse(null);
    }

    /** New expiry, protection or idle suspension; absent fields stay as they are. */
    public BranchView update(String name, UpdateBranchRequest request) {
        return view(service.update(name, request), null, false, true);
    }

    public BranchView reset(String name) {
        return view(service.reset(name), null, false, true);
    }

    /** Stops the branch's server, keeping its data and connection string; a connection wakes it. */
    public BranchView suspend(String name) {
        return view(service.suspend(name), null, false, true);
    }

    /** Starts a suspended branch's server again; answers once it takes connections. */
    public BranchView wake(String name) {
        return view(service.wake(name), null, false, true);
    }

    public void delete(String name, boolean force) {
        service.delete(name, force);
    }

    /** @param single one branch asked for by name (may carry a password), not a list entry (never does) */
    private BranchView view(Branch branch, Boolean created, boolean withDiskUsage, boolean single) {
        Long disk = withDiskUsage ? service.diskUsage(branch).orElse(null) : null;
        Principal caller = CurrentPrincipal.get();
        Disclosure disclosure = Disclosure.of(caller, single);
        return BranchView.of(branch, service.templateName(branch), service.parentBranchName(branch).orElse(null),
                entrances.of(branch), created, disk, disclosure,
                reader(branch, caller, disclosure), idle.lookup().of(branch));
    }

    /**
     * The caller's reader role on the branch: made on the first answer that may show it, if the
     * branch runs (otherwise named, without a password, until an answer while it runs). Rows from
     * before per-branch secrets have no readers until their first use.
     */
    private BranchReaders.Reader reader(Branch branch, Principal caller, Disclosure disclosure) {
        if (branch.readonlyPassword() == null) {
            return null;
        }
        BranchReaders.Reader named = new BranchReaders.Reader(BranchReaders.roleName(caller), null);
        if (disclosure == Disclosure.NONE) {
            return named;
        }
        return readers.find(branch.id(), caller).orElseGet(() -> branch.status() != BranchStatus.READY ? named
                : service.withLock(branch.name(), () -> {
                    Branch current = service.live(branch.name());
                    if (!current.id().equals(branch.id()) || current.status() != BranchStatus.READY) {
                        return named;
                    }
                    return readers.find(current.id(), caller).orElseGet(() -> readers.create(current, caller));
                }));
    }
}
