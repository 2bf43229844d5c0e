package dev.offshoot.branch;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.runtime.ContainerFailedException;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerRuntime.ImageRef;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.Labels;
import dev.offshoot.runtime.PostgresReadiness;
import dev.offshoot.template.Template;

/**
 * Starts a branch's container from its parent image and makes it usable: waits until Postgres
 * answers, then gives the branch its own superuser, owner and read-only passwords (see
 * {@link BranchCredentials}). Offshoot's own superuser sessions on the branch pin their search path
 * (see {@link PostgresConnections}) and name only pg_catalog objects.
 */
@Component
class BranchLauncher {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ContainerRuntime runtime;
    private final RuntimeProperties properties;
    private final BranchCredentials credentials;

    BranchLauncher(ContainerRuntime runtime, RuntimeProperties properties, BranchCredentials credentials) {
        this.runtime = runtime;
        this.properties = properties;
        this.credentials = credentials;
    }

    /** Returns the started container's id; on failure nothing of it is left running. */
    String launch(Branch branch, Template template) {
        branch.ensureSecrets(BranchLauncher::newSecret);
        String containerId = runtime.start(new ContainerSpec(containerName(branch), branch.parentImage(), Map.of(),
                labels(branch, template, Labels.KIND_BRANCH), properties.bindAddress(), branch.port(), Map.of(), true,
                List.of(), branch.resources()));
        try {
            PostgresReadiness.awaitAnswering(runtime, containerId, adminUrl(branch), PostgresConnections.SUPERUSER,
                    branch.superuserPassword(), properties.readyTimeout()).ifPresent(BranchLauncher::closeQuietly);
            credentials.apply(containerId, adminUrl(branch), branch, template);
            try (Connection admin = superuser(branch, template)) {
                admin.isValid(1);
            }
            return containerId;
        } catch (SQLException e) {
            runtime.remove(containerId);
            throw new ContainerFailedException("the branch refused its new credentials: " + e.getMessage(), "", e);
        } catch (RuntimeException e) {
            runtime.remove(containerId);
            throw e;
        }
    }

    /** Gives a running branch from before per-branch secrets its own; the caller saves the row. */
    void giveOwnSecrets(Branch branch, Template template) {
        branch.ensureSecrets(BranchLauncher::newSecret);
        credentials.apply(branch.containerId(), adminUrl(branch), branch, template);
    }

    /** Waits until an existing branch container accepts connections again (after a start). */
    void awaitReady(Branch branch, Template template) {
        try (Connection admin = PostgresReadiness.connect(runtime, branch.containerId(), adminUrl(branch),
                PostgresConnections.SUPERUSER, superuserPassword(branch, template), properties.readyTimeout())) {
            admin.isValid(1);
        } catch (SQLException e) {
            throw new ContainerFailedException("branch '" + branch.name() + "' did not come back: " + e.getMessage(),
                    runtime.logTail(branch.containerId(), 20), e);
        }
    }

    /** Client connections to the branch other than Offshoot's own, counted as its superuser. */
    int clientConnections(Branch branch, Template template) throws SQLException {
        try (Connection admin = superuser(branch, template);
                Statement st = admin.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_activity"
                        + " WHERE backend_type OPERATOR(pg_catalog.=) 'client backend'"
                        + " AND pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid()"
                        + " AND coalesce(application_name, '') OPERATOR(pg_catalog.<>) "
                        + "'" + PostgresConnections.APPLICATION_NAME + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Freezes a running branch into an image for a child branch: a checkpoint first so recovery
     * at the child's start is short, then a commit of the paused container (crash-consistent) to
     * {@link #snapshotRef(Branch)}, which the child's saved row must already name. The image
     * carries the source's credentials until the child's launch replaces them.
     */
    void snapshot(Branch source, Branch child, Template template) {
        try (Connection admin = PostgresReadiness.connect(runtime, source.containerId(), adminUrl(source),
                PostgresConnections.SUPERUSER, superuserPassword(source, template), properties.readyTimeout());
                Statement st = admin.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new ContainerFailedException("checkpoint of branch '" + source.name() + "' failed: "
                    + e.getMessage(), "", e);
        }
        runtime.commit(source.containerId(), snapshotImage(child), labels(child, template, Labels.KIND_SNAPSHOT),
                List.of());
    }

    /** The image a child's snapshot is committed to; its row records it before the commit. */
    String snapshotRef(Branch child) {
        return snapshotImage(child).toString();
    }

    private ImageRef snapshotImage(Branch child) {
        return new ImageRef("offshoot/snapshot-" + properties.instanceId() + "-" + child.name(),
                child.id().toString().substring(0, 8));
    }

    /**
     * The branch's superuser password; rows from before V5 that were not used or launched since have
     * none, and their containers still take the template's.
     */
    static String superuserPassword(Branch branch, Template template) {
        return branch.superuserPassword() != null ? branch.superuserPassword() : template.superuserPassword();
    }

    private Connection superuser(Branch branch, Template template) throws SQLException {
        return PostgresConnections.superuser(adminUrl(branch), superuserPassword(branch, template));
    }

    private static String newSecret() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // only a readiness probe
        }
    }

    /** Package-private for the warm pool (issue 11b), which rotates a claimed member's passwords over it. */
    String adminUrl(Branch branch) {
        return "jdbc:postgresql://" + properties.connectHost() + ":" + branch.port() + "/" + branch.databaseName();
    }

    private String containerName(Branch branch) {
        return "offshoot-" + properties.instanceId() + "-" + branch.name() + "-" + branch.id().toString().substring(0, 8);
    }

    private Map<String, String> labels(Branch branch, Template template, String kind) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED, "true");
        labels.put(Labels.INSTANCE, properties.instanceId());
        labels.put(Labels.KIND, kind);
        labels.put(Labels.BRANCH_ID, branch.id().toString());
        labels.put(Labels.BRANCH_NAME, branch.name());
        labels.put(Labels.TEMPLATE, template.name());
        labels.put(Labels.REVISION, String.valueOf(branch.templateRevision()));
        return labels;
    }
}
