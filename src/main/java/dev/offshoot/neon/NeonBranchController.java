package dev.offshoot.neon;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

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
import tools.jackson.databind.JsonNode;

import dev.offshoot.auth.Scopes;
import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;

/**
 * Neon's branch calls. A branch is named in the path by its id or its name. Creating answers once
 * the branch accepts connections (201, or 200 with the existing branch when its name was created
 * before from the same parent).
 */
@RestController
@PreAuthorize(Scopes.READ)
@RequestMapping("/api/v2/projects/{project_id}/branches")
class NeonBranchController {

    private final NeonProjects projects;
    private final NeonBranches catalog;
    private final NeonCommands commands;
    private final NeonObjects objects;

    NeonBranchController(NeonProjects projects, NeonBranches catalog, NeonCommands commands, NeonObjects objects) {
        this.projects = projects;
        this.catalog = catalog;
        this.commands = commands;
        this.objects = objects;
    }

    @GetMapping
    NeonModel.BranchesResponse list(@PathVariable("project_id") String projectId,
            @RequestParam(required = false) String search, @RequestParam(name = "sort_by", required = false) String sortBy,
            @RequestParam(name = "sort_order", required = false) String sortOrder,
            @RequestParam(required = false) String cursor, @RequestParam(required = false) Integer limit) {
        Template template = projects.template(projectId);
        NeonBranches.Catalog branches = catalog.of(template);
        BranchPages.Page page = BranchPages.page(branches.entries().stream()
                .map(e -> NeonShapes.branch(e, template)).toList(),
                new BranchPages.Query(search, sortBy, sortOrder, cursor, limit));
        return new NeonModel.BranchesResponse(page.branches(), annotations(branches, page.branches()),
                page.pagination());
    }

    @GetMapping("/{branch_id}")
    NeonModel.BranchResponse get(@PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId) {
        Template template = projects.template(projectId);
        NeonBranches.Catalog branches = catalog.of(template);
        NeonModel.Branch branch = NeonShapes.branch(branches.resolve(branchId), template);
        return new NeonModel.BranchResponse(branch, annotations(branches, List.of(branch)).getOrDefault(branch.id(),
                NeonShapes.annotation(branch.id(), Map.of(), null, null)));
    }

    @PreAuthorize(Scopes.WRITE)
    @Audited("branch.create")
    @PostMapping
    ResponseEntity<NeonModel.BranchCreated> create(@PathVariable("project_id") String projectId,
            @RequestBody(required = false) NeonRequests.CreateBody body) {
        if (body != null && body.branch() != null && body.branch().name() != null) {
            NeonAudit.target(body.branch().name());
        }
        NeonCommands.Created created = commands.create(projects.template(projectId), body);
        NeonAudit.target(created.body().branch().name());
        return ResponseEntity.status(created.created() ? HttpStatus.CREATED : HttpStatus.OK).body(created.body());
    }

    /** Protection and expiry; {@code expires_at: null} (no expiry) and a new name are refused. */
    @PreAuthorize(Scopes.WRITE)
    @Audited("branch.update")
    @PatchMapping("/{branch_id}")
    NeonModel.BranchOperations update(@PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId, @RequestBody JsonNode body) {
        JsonNode branch = body == null ? null : body.get("branch");
        if (branch == null || !branch.isObject()) {
            throw OffshootException.invalid("INVALID_BODY", "send {\"branch\": {...}} with protected or expires_at");
        }
        if (branch.has("protected") && !branch.get("protected").isBoolean()) {
            throw OffshootException.invalid("INVALID_BODY", "protected must be true or false");
        }
        if (branch.has("expires_at") && branch.get("expires_at").isNull()) {
            throw NeonRequests.notSupported("EXPIRY_REQUIRED", "removing a branch's expiry is not supported; set a"
                    + " later expires_at instead");
        }
        NeonModel.BranchOperations updated = commands.update(projects.template(projectId), branchId,
                branch.has("protected") ? branch.get("protected").asBoolean() : null,
                branch.hasNonNull("name") ? branch.get("name").asString() : null,
                NeonRequests.expiry(branch.hasNonNull("expires_at") ? branch.get("expires_at").asString() : null));
        NeonAudit.target(updated.branch().name());
        return updated;
    }

    @PreAuthorize(Scopes.WRITE)
    @Audited("branch.delete")
    @DeleteMapping("/{branch_id}")
    NeonModel.BranchOperations delete(@PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId) {
        NeonModel.BranchOperations deleted = commands.delete(projects.template(projectId), branchId);
        NeonAudit.target(deleted.branch().name());
        return deleted;
    }

    @PreAuthorize(Scopes.WRITE)
    @Audited("branch.restore")
    @PostMapping("/{branch_id}/restore")
    NeonModel.BranchOperations restore(@PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId, @RequestBody(required = false) NeonRequests.RestoreBody body) {
        NeonModel.BranchOperations restored = commands.restore(projects.template(projectId), branchId, body);
        NeonAudit.target(restored.branch().name());
        return restored;
    }

    /** The annotations of these branches, by branch id (neonctl indexes this map by id). */
    private Map<String, NeonModel.Annotation> annotations(NeonBranches.Catalog branches, List<NeonModel.Branch> shown) {
        Set<String> wanted = shown.stream().map(NeonModel.Branch::id).collect(Collectors.toSet());
        Map<UUID, String> ids = branches.branches().filter(e -> wanted.contains(e.id()))
                .collect(Collectors.toMap(NeonBranches.Entry::uuid, NeonBranches.Entry::id));
        Map<String, NeonModel.Annotation> out = new TreeMap<>();
        objects.annotationsOf(ids.keySet()).forEach((uuid, a) -> out.put(ids.get(uuid),
                NeonShapes.annotation(ids.get(uuid), a.value(), a.createdAt(), a.updatedAt())));
        return out;
    }
}
