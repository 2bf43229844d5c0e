package dev.offshoot.branch;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.offshoot.postgres.BranchRoles;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.provision.Credentials;
import dev.offshoot.provision.Instance;
import dev.offshoot.provision.LaunchPlan;
import dev.offshoot.provision.Origin;
import dev.offshoot.provision.Owner;
import dev.offshoot.provision.Provisioner;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateRevision;

/**
 * A branch's launches as plans for the {@link Provisioner}: who it is for, where its data comes
 * from, and the credentials its server gets before it is handed out, its own superuser, owner and
 * read-only passwords (see {@link BranchCredentials}) and its readers' roles (see {@link
 * BranchReaders}). Offshoot's own superuser sessions on the branch pin their search path (see
 * {@link PostgresConnections}) and name only pg_catalog objects.
 */
@Component
class BranchLauncher {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Provisioner provisioner;
    private final BranchReaders readers;

    BranchLauncher(Provisioner provisioner, BranchReaders readers) {
        this.provisioner = provisioner;
        this.readers = readers;
    }

    /**
     * Starts the branch on data of the given origin (create, warm pool, a fork). Its row has its
     * secrets from now on; the caller saves it with the started instance's handle. On failure
     * nothing of the instance is left.
     *
     * @param sealedPassword the superuser password the origin's data was sealed with, or null
     */
    String launch(Branch branch, Template template, Origin origin, String sealedPassword) {
        return provisioner.start(plan(branch, template, origin, sealedPassword)).handle();
    }

    /**
     * Removes the branch's running instance before a reset, which starts it again from its parent
     * under the same key; refused first, with nothing removed, when this service cannot copy its data.
     */
    void takeDown(Branch branch) {
        provisioner.takeDown(branch.instance());
    }

    /** Starts the branch again on a fresh copy of its parent (a reset): same endpoint and passwords. */
    String reset(Branch branch, Template template) {
        return launch(branch, template, new Origin.CopyOf(branch.parent()), sealedPassword(branch, template));
    }

    /**
     * Starts the branch again on the data it has, after its instance vanished (a fresh copy when
     * none is left); whatever still runs for it is removed first.
     */
    String relaunch(Branch branch, Template template) {
        provisioner.takeDown(branch.instance().withoutHandle());
        return launch(branch, template, new Origin.Existing(branch.parent()), null);
    }

    private LaunchPlan plan(Branch branch, Template template, Origin origin, String sealedPassword) {
        branch.ensureSecrets(BranchLauncher::newSecret);
        branch.newReadOnlyPassword(newSecret());
        // one-round verifiers: microseconds; the data may be a copy that carries other branches'
        // readers, which lose their passwords here
        List<String> statements = new ArrayList<>(BranchCredentials.passwords(branch));
        statements.addAll(readers.launchStatements(branch.id()));
        Credentials credentials = new Credentials(sealedPassword, branch.superuserPassword(), statements,
                BranchRoles.readOnlyRole(template.databaseName(), template.ownerRole()), template.superuserPassword());
        return new LaunchPlan(new Owner(branch.id(), branch.name(), template.name(), branch.templateRevision()),
                branch.databaseName(), origin, branch.resources(), credentials);
    }

    /** Gives a running branch from before per-branch secrets its own; the caller saves the row. */
    void giveOwnSecrets(Branch branch, Template template) {
        branch.ensureSecrets(BranchLauncher::newSecret);
        provisioner.setCredentials(branch.instance(), new Credentials(null, branch.superuserPassword(),
                BranchCredentials.passwords(branch), BranchRoles.readOnlyRole(template.databaseName(),
                        template.ownerRole()), template.superuserPassword()));
    }

    /** Starts a stopped branch's container again and waits until it takes a login. */
    void resume(Branch branch, Template template) {
        provisioner.resume(branch.instance(), superuserPassword(branch, template));
    }

    /** Waits until a branch's started container takes a login (after the engine started it again). */
    void awaitReady(Branch branch, Template template) {
        provisioner.awaitReady(branch.instance(), superuserPassword(branch, template));
    }

    /**
     * Client sessions on the branch other than this count's own, counted as its superuser:
     * Offshoot's own sessions (its application name) only when {@code includeOwn}.
     */
    int clientConnections(Branch branch, Template template, boolean includeOwn) throws SQLException {
        try (Connection admin = PostgresConnections.superuser(adminUrl(branch), superuserPassword(branch, template));
                Statement st = admin.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_activity"
                        + " WHERE backend_type OPERATOR(pg_catalog.=) 'client backend'"
                        + " AND pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid()"
                        + (includeOwn ? "" : " AND coalesce(application_name, '') OPERATOR(pg_catalog.<>) "
                        + "'" + PostgresConnections.APPLICATION_NAME + "'"))) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * The superuser password a fresh copy of the branch's template revision was sealed with (its
     * bootstrap secret); null for a branch of a branch (its snapshot carries the source's, which a
     * fork passes itself) and for revisions sealed without one.
     */
    static String sealedPassword(Branch branch, Template template) {
        if (branch.parentBranchId() != null) {
            return null;
        }
        return template.revision(branch.templateRevision()).map(TemplateRevision::bootstrapSecret).orElse(null);
    }

    /**
     * The branch's superuser password; rows from before per-branch secrets that were not used or
     * launched since have none, and their containers still take the template's.
     */
    static String superuserPassword(Branch branch, Template template) {
        return branch.superuserPassword() != null ? branch.superuserPassword() : template.superuserPassword();
    }

    /** Offshoot's own JDBC URL of the branch's database. */
    String adminUrl(Branch branch) {
        return provisioner.jdbcUrl(branch.instance());
    }

    private static String newSecret() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
