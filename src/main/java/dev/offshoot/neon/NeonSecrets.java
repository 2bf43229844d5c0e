package dev.offshoot.neon;

import org.springframework.stereotype.Component;

import dev.offshoot.branch.BranchOperations;
import dev.offshoot.branch.BranchView;
import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;

/**
 * A branch's owner password and connection URI, from Offshoot's one-branch answer, which carries
 * the password for a caller that may write. The default branch has no server and so nothing to
 * connect to.
 */
@Component
class NeonSecrets {

    private final NeonBranches catalog;
    private final BranchOperations branches;

    NeonSecrets(NeonBranches catalog, BranchOperations branches) {
        this.catalog = catalog;
        this.branches = branches;
    }

    /**
     * The owner connection of a branch (by id or name; the default branch when neither a branch
     * nor an endpoint is named), checked against the role and database asked for (null: any).
     */
    BranchView.Connection connection(Template template, String branchRef, String endpointId, String role,
            String database) {
        NeonBranches.Catalog branchesOf = catalog.of(template);
        NeonBranches.Entry entry = NeonRequests.present(endpointId) ? NeonEndpoints.resolve(branchesOf, endpointId)
                : NeonRequests.present(branchRef) ? branchesOf.resolve(branchRef) : branchesOf.defaultBranch();
        if (NeonRequests.present(branchRef) && !branchesOf.resolve(branchRef).id().equals(entry.id())) {
            throw OffshootException.invalid("ENDPOINT_MISMATCH", "endpoint '" + endpointId + "' is not on branch '"
                    + branchRef + "'");
        }
        role(entry, template, role);
        if (database != null && !database.equals(NeonShapes.database(entry, template).name())) {
            throw OffshootException.notFound("DATABASE_NOT_FOUND", "branch '" + entry.id() + "' has no database '"
                    + database + "'");
        }
        if (entry.isDefault()) {
            throw OffshootException.conflict("NO_ENDPOINT", "the default branch '" + NeonBranches.DEFAULT_NAME + "' is"
                    + " the template's latest revision and runs no server: create a branch of it to connect");
        }
        NeonAudit.target(entry.view().name());
        BranchView.Connection connection = branches.get(entry.view().name()).connection();
        if (connection.password() == null) {
            throw new OffshootException(OffshootException.Kind.FORBIDDEN, "INSUFFICIENT_SCOPE",
                    "this token lacks the write scope that a branch's password needs");
        }
        return connection;
    }

    /** The branch's one role, if that is the role asked for (null: any); ROLE_NOT_FOUND otherwise. */
    static NeonModel.Role role(NeonBranches.Entry entry, Template template, String name) {
        NeonModel.Role role = NeonShapes.role(entry, template);
        if (name != null && !role.name().equals(name)) {
            throw OffshootException.notFound("ROLE_NOT_FOUND", "branch '" + entry.id() + "' has no role '" + name
                    + "'; its role is '" + role.name() + "'");
        }
        return role;
    }
}
