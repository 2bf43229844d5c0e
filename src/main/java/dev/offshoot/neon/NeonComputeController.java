package dev.offshoot.neon;

import java.util.List;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.offshoot.auth.Scopes;
import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;

/**
 * What a branch runs and holds in Neon's terms: its endpoint (its Postgres server), its database
 * and its owner role, and the owner's password and connection URI. A password leaves only for a
 * token that may write (it could change the branch anyway), and every such answer is audited.
 */
@RestController
@PreAuthorize(Scopes.READ)
@RequestMapping("/api/v2/projects/{project_id}")
class NeonComputeController {

    private final NeonProjects projects;
    private final NeonBranches catalog;
    private final NeonCommands commands;
    private final NeonSecrets secrets;

    NeonComputeController(NeonProjects projects, NeonBranches catalog, NeonCommands commands, NeonSecrets secrets) {
        this.projects = projects;
        this.catalog = catalog;
        this.commands = commands;
        this.secrets = secrets;
    }

    @GetMapping("/branches/{branch_id}/endpoints")
    NeonModel.EndpointsResponse branchEndpoints(@PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId) {
        Template template = projects.template(projectId);
        return new NeonModel.EndpointsResponse(NeonShapes.endpoints(catalog.of(template).resolve(branchId), template));
    }

    @GetMapping("/endpoints")
    NeonModel.EndpointsResponse endpoints(@PathVariable("project_id") String projectId) {
        Template template = projects.template(projectId);
        return new NeonModel.EndpointsResponse(catalog.of(template).branches()
                .flatMap(e -> NeonShapes.endpoints(e, template).stream()).toList());
    }

    @GetMapping("/endpoints/{endpoint_id}")
    NeonModel.EndpointResponse endpoint(@PathVariable("project_id") String projectId,
            @PathVariable("endpoint_id") String endpointId) {
        Template template = projects.template(projectId);
        NeonBranches.Entry entry = NeonEndpoints.resolve(catalog.of(template), endpointId);
        return new NeonModel.EndpointResponse(NeonShapes.endpoints(entry, template).getFirst());
    }

    @PreAuthorize(Scopes.WRITE)
    @Audited("branch.start")
    @PostMapping("/endpoints/{endpoint_id}/start")
    NeonModel.EndpointOperations start(@PathVariable("project_id") String projectId,
            @PathVariable("endpoint_id") String endpointId) {
        return commands.start(projects.template(projectId), endpointId);
    }

    @PreAuthorize(Scopes.WRITE)
    @Audited("branch.suspend")
    @PostMapping("/endpoints/{endpoint_id}/suspend")
    NeonModel.EndpointOperations suspend(@PathVariable("project_id") String projectId,
            @PathVariable("endpoint_id") String endpointId) {
        return commands.suspend(projects.template(projectId), endpointId);
    }

    @GetMapping("/branches/{branch_id}/databases")
    NeonModel.DatabasesResponse databases(@PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId) {
        Template template = projects.template(projectId);
        return new NeonModel.DatabasesResponse(List.of(NeonShapes.database(catalog.of(template).resolve(branchId),
                template)));
    }

    @GetMapping("/branches/{branch_id}/databases/{database_name}")
    NeonModel.DatabaseResponse database(@PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId, @PathVariable("database_name") String databaseName) {
        Template template = projects.template(projectId);
        NeonModel.Database database = NeonShapes.database(catalog.of(template).resolve(branchId), template);
        if (!database.name().equals(databaseName)) {
            throw OffshootException.notFound("DATABASE_NOT_FOUND", "branch '" + branchId + "' has no database '"
                    + databaseName + "'; its database is '" + database.name() + "'");
        }
        return new NeonModel.DatabaseResponse(database);
    }

    @GetMapping("/branches/{branch_id}/roles")
    NeonModel.RolesResponse roles(@PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId) {
        Template template = projects.template(projectId);
        return new NeonModel.RolesResponse(List.of(NeonShapes.role(catalog.of(template).resolve(branchId), template)));
    }

    @GetMapping("/branches/{branch_id}/roles/{role_name}")
    NeonModel.RoleResponse role(@PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId, @PathVariable("role_name") String roleName) {
        Template template = projects.template(projectId);
        return new NeonModel.RoleResponse(NeonSecrets.role(catalog.of(template).resolve(branchId), template,
                roleName));
    }

    @PreAuthorize(Scopes.WRITE)
    @Audited("branch.reveal-password")
    @GetMapping("/branches/{branch_id}/roles/{role_name}/reveal_password")
    NeonModel.PasswordResponse revealPassword(@PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId, @PathVariable("role_name") String roleName) {
        return new NeonModel.PasswordResponse(NeonShapes.password(secrets.connection(projects.template(projectId),
                branchId, null, roleName, null)));
    }

    /** The owner's URI with its password; {@code pooled} answers the same URI (Offshoot has no pooler). */
    @PreAuthorize(Scopes.WRITE)
    @Audited("branch.reveal-password")
    @GetMapping("/connection_uri")
    NeonModel.UriResponse connectionUri(@PathVariable("project_id") String projectId,
            @RequestParam(name = "branch_id", required = false) String branchId,
            @RequestParam(name = "endpoint_id", required = false) String endpointId,
            @RequestParam(name = "database_name") String databaseName,
            @RequestParam(name = "role_name") String roleName) {
        return new NeonModel.UriResponse(secrets.connection(projects.template(projectId), branchId, endpointId,
                roleName, databaseName).uri());
    }
}
