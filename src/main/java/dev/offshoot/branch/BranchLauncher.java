package dev.offshoot.branch;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.postgresql.util.PasswordUtil;
import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.runtime.ContainerFailedException;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerRuntime.ImageRef;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.Labels;
import dev.offshoot.runtime.PostgresReadiness;
import dev.offshoot.template.Template;

/**
 * Starts a branch's container from its parent image and makes it usable: waits until Postgres
 * accepts connections, then gives the branch's role the branch's own password. The password is
 * sent as a SCRAM verifier, so the plaintext never reaches the server or its logs.
 */
@Component
class BranchLauncher {

    private final ContainerRuntime runtime;
    private final RuntimeProperties properties;

    BranchLauncher(ContainerRuntime runtime, RuntimeProperties properties) {
        this.runtime = runtime;
        this.properties = properties;
    }

    /** Returns the started container's id; on failure nothing of it is left running. */
    String launch(Branch branch, Template template) {
        String containerId = runtime.start(new ContainerSpec(containerName(branch), branch.parentImage(), Map.of(),
                labels(branch, template, Labels.KIND_BRANCH), properties.bindAddress(), branch.port(), Map.of(), true,
                List.of(), branch.resources()));
        try (Connection admin = PostgresReadiness.connect(runtime, containerId, adminUrl(branch), "postgres",
                template.superuserPassword(), properties.readyTimeout());
                Statement st = admin.createStatement()) {
            st.execute(PasswordUtil.genAlterUserPasswordSQL(branch.roleName(), branch.password().toCharArray(),
                    "scram-sha-256"));
            return containerId;
        } catch (SQLException e) {
            runtime.remove(containerId);
            throw new ContainerFailedException("setting the branch password failed: " + e.getMessage(),
                    "", e);
        } catch (RuntimeException e) {
            runtime.remove(containerId);
            throw e;
        }
    }

    /** Waits until an existing branch container accepts connections again (after a start). */
    void awaitReady(Branch branch, Template template) {
        try (Connection admin = PostgresReadiness.connect(runtime, branch.containerId(), adminUrl(branch), "postgres",
                template.superuserPassword(), properties.readyTimeout())) {
            admin.isValid(1);
        } catch (SQLException e) {
            throw new ContainerFailedException("branch '" + branch.name() + "' did not come back: " + e.getMessage(),
                    runtime.logTail(branch.containerId(), 20), e);
        }
    }

    /** Client connections to the branch other than Offshoot's own, counted as its superuser. */
    int clientConnections(Branch branch, Template template) throws SQLException {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", template.superuserPassword());
        props.setProperty("connectTimeout", "3");
        props.setProperty("ApplicationName", "offshoot");
        try (Connection admin = java.sql.DriverManager.getConnection(adminUrl(branch), props);
                Statement st = admin.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                        + " AND coalesce(application_name, '') <> 'offshoot'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Freezes a running branch into an image for a child branch: a checkpoint first so recovery
     * at the child's start is short, then a commit of the paused container (crash-consistent) to
     * {@link #snapshotRef(Branch)}, which the child's saved row must already name.
     */
    void snapshot(Branch source, Branch child, Template template) {
        try (Connection admin = PostgresReadiness.connect(runtime, source.containerId(), adminUrl(source),
                "postgres", template.superuserPassword(), properties.readyTimeout());
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

    private String adminUrl(Branch branch) {
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
