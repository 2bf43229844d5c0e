package dev.offshoot.branch;

import java.util.List;

import dev.offshoot.postgres.BranchRoles;
import dev.offshoot.postgres.LogSecrets;
import dev.offshoot.postgres.PostgresConnections;

/**
 * The SQL that gives a branch its own credentials: the superuser's, the owner's and the read-only
 * role's passwords, each as a SCRAM verifier (one round: these are generated secrets). The
 * provisioner runs it in the started server before the branch is handed out; data from before the
 * readers group fails it with 42704 (undefined object), and the roles are set up first then.
 */
final class BranchCredentials {

    private BranchCredentials() {
    }

    /** The branch's three passwords, as one transaction of three {@code ALTER ROLE}s. */
    static List<String> passwords(Branch branch) {
        return passwords(branch.roleName(), branch.superuserPassword(), branch.password(),
                branch.readonlyPassword());
    }

    /** {@link #passwords(Branch)} for secrets not yet on the row (a warm-pool claim's next ones). */
    static List<String> passwords(String ownerRole, String superuserPassword, String ownerPassword,
            String readonlyPassword) {
        return List.of("SET search_path = pg_catalog",
                BranchRoles.requireReaders(),
                BranchRoles.randomSecretPassword(PostgresConnections.SUPERUSER, superuserPassword),
                BranchRoles.randomSecretPassword(ownerRole, ownerPassword),
                BranchRoles.randomSecretPassword(BranchRoles.READ_ONLY_ROLE, readonlyPassword));
    }

    /** Never let a verifier reach an error message or a log, should psql echo a statement. */
    static String masked(String output) {
        return LogSecrets.masked(output);
    }
}
