package dev.offshoot.neon;

import java.util.List;
import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;

/** Neon's projects (Offshoot's templates), their operations, and the caller's organizations (none). */
@RestController
@PreAuthorize(dev.offshoot.auth.Scopes.READ)
@RequestMapping("/api/v2")
class NeonProjectController {

    static final int MAX_PROJECTS = 400;

    private final NeonProjects projects;
    private final NeonOperations operations;

    NeonProjectController(NeonProjects projects, NeonOperations operations) {
        this.projects = projects;
        this.operations = operations;
    }

    /** Projects by id, after {@code cursor} (a project id); {@code org_id} is accepted and ignored. */
    @GetMapping("/projects")
    NeonModel.ProjectsResponse list(@RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String search) {
        int max = limit == null ? MAX_PROJECTS : limit;
        if (max < 1 || max > MAX_PROJECTS) {
            throw OffshootException.invalid("INVALID_LIMIT", "limit must be between 1 and " + MAX_PROJECTS);
        }
        List<NeonModel.Project> page = projects.list().stream()
                .filter(p -> cursor == null || cursor.isBlank() || p.id().compareTo(cursor) > 0)
                .filter(p -> search == null || search.isBlank() || p.id().contains(search))
                .limit(max).toList();
        return new NeonModel.ProjectsResponse(page,
                new NeonModel.Pagination(page.isEmpty() ? cursor : page.getLast().id()), Map.of(), Map.of());
    }

    /** Offshoot shares no projects between callers: always empty. */
    @GetMapping("/projects/shared")
    NeonModel.ProjectsResponse shared() {
        return new NeonModel.ProjectsResponse(List.of(), new NeonModel.Pagination(null), Map.of(), Map.of());
    }

    @GetMapping("/projects/{project_id}")
    NeonModel.ProjectResponse get(@PathVariable("project_id") String projectId) {
        return new NeonModel.ProjectResponse(projects.project(projects.template(projectId)));
    }

    /** Offshoot has no organizations: clients then pick the caller's only project, if it has one. */
    @GetMapping("/users/me/organizations")
    NeonModel.OrganizationsResponse organizations() {
        return new NeonModel.OrganizationsResponse(List.of());
    }

    @GetMapping("/projects/{project_id}/operations")
    NeonModel.OperationsResponse operations(@PathVariable("project_id") String projectId,
            @RequestParam(required = false) String cursor, @RequestParam(required = false) Integer limit) {
        List<NeonModel.Operation> page = operations.list(projects.template(projectId), cursor, limit);
        return new NeonModel.OperationsResponse(page, new NeonModel.Pagination(page.isEmpty() ? null
                : page.getLast().id()));
    }

    @GetMapping("/projects/{project_id}/operations/{operation_id}")
    NeonModel.OperationResponse operation(@PathVariable("project_id") String projectId,
            @PathVariable("operation_id") String operationId) {
        Template template = projects.template(projectId);
        return new NeonModel.OperationResponse(operations.get(template, operationId).orElseThrow(() ->
                OffshootException.notFound("OPERATION_NOT_FOUND", "no operation '" + operationId + "' in project '"
                        + projectId + "'")));
    }
}
