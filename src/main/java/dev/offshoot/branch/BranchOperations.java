package dev.offshoot.branch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.runtime.Endpoint;
import dev.offshoot.runtime.Endpoints;

/**
 * The branch feature as other features see it (REST, MCP): every answer is a {@link BranchView}
 * with connection details, computed the same way for every channel; which secrets it carries is
 * decided by {@link Disclosure}.
 */
@Component
public class BranchOperations {

    private final BranchService service;
    private final Endpoints endpoints;

    BranchOperations(BranchService service, Endpoints endpoints) {
        this.service = service;
        this.endpoints = endpoints;
    }

    public BranchView create(CreateBranchRequest request, String createdBy) {
        BranchService.Outcome outcome = service.create(request, createdBy);
        return view(outcome.branch(), outcome.created(), false, true);
    }

    public List<BranchView> list(String status, String template, List<String> labels) {
        // a list of hundreds shares a handful of templates: look each one up once, not once per branch
        Map<UUID, String> templateNames = new HashMap<>();
        Disclosure disclosure = Disclosure.of(CurrentPrincipal.get(), false);
        List<Branch> branches = service.list(status, template, labels);
        // and their endpoints in one look-up
        Map<String, Endpoint> advertised = endpoints.advertised(branches.stream().map(Branch::instanceKey).toList());
        return branches.stream().map(b -> BranchView.of(b,
                templateNames.computeIfAbsent(b.templateId(), id -> service.templateName(b)),
                service.parentBranchName(b).orElse(null), advertised.get(b.instanceKey()), null, null, disclosure))
                .toList();
    }

    /** One live branch, with the disk its own layer uses. */
    public BranchView get(String name) {
        return view(service.live(name), null, true, true);
    }

    /** New expiry or protection; absent fields stay as they are. */
    public BranchView update(String name, UpdateBranchRequest request) {
        return view(service.update(name, request), null, false, true);
    }

    public BranchView reset(String name) {
        return view(service.reset(name), null, false, true);
    }

    public void delete(String name, boolean force) {
        service.delete(name, force);
    }

    /** @param single one branch asked for by name (may carry a password), not a list entry (never does) */
    private BranchView view(Branch branch, Boolean created, boolean withDiskUsage, boolean single) {
        Long disk = withDiskUsage ? service.diskUsage(branch).orElse(null) : null;
        return BranchView.of(branch, service.templateName(branch), service.parentBranchName(branch).orElse(null),
                endpoints.advertised(branch.instanceKey()).orElse(null), created, disk,
                Disclosure.of(CurrentPrincipal.get(), single));
    }
}
