package dev.offshoot.branch;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.DataRef;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.runtime.ContainerFailedException;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.provision.Endpoints;
import dev.offshoot.runtime.Labels;
import dev.offshoot.runtime.PostgresReadiness;
import dev.offshoot.storage.Storage;
import dev.offshoot.storage.StorageDriver.Mount;
import dev.offshoot.storage.StorageDriver;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateRevision;

/**
 * Starts a branch's container from its parent image and makes it usable: waits until Postgres
 * answers, then gives the branch its own superuser, owner and read-only passwords (see
 * {@link BranchCredentials}) and its readers' roles (see {@link BranchReaders}). Offshoot's own
 * superuser sessions on the branch pin their search path (see {@link PostgresConnections}) and name
 * only pg_catalog objects.
 */
@Component
class BranchLauncher {

    private static final Logger log = LoggerFactory.getLogger(BranchLauncher.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * A fork starts on a crash-consistent copy, and Postgres first fsyncs every file of a data
     * directory it was not shut down cleanly in: about 250 ms for Pagila's on the reflink volume,
     * where one syncfs(2) of the filesystem does the same.
     */
    private static final List<String> COMMAND = List.of("postgres", "-c", "recovery_init_sync_method=syncfs");
    /** Where a launch copies data while the engine creates the container. */
    private static final Executor DATA = Executors.newVirtualThreadPerTaskExecutor();

    private final ContainerRuntime runtime;
    private final RuntimeProperties properties;
    private final BranchCredentials credentials;
    private final Storage storage;
    private final Endpoints endpoints;
    private final BranchReaders readers;

    BranchLauncher(ContainerRuntime runtime, RuntimeProperties properties, BranchCredentials credentials,
            Storage storage, Endpoints endpoints, BranchReaders readers) {
        this.endpoints = endpoints;
        this.readers = readers;
        this.runtime = runtime;
        this.properties = properties;
        this.credentials = credentials;
        this.storage = storage;
    }

    /**
     * Starts the branch on a fresh copy of its parent's data (create, reset). Returns the started
     * instance's handle; on failure nothing of it is left running and no copy is left.
     */
    String launch(Branch branch, Template template) {
        return launch(branch, template, () -> {
        }, sealedPassword(branch, template));
    }

    /**
     * Like {@link #launch(Branch, Template)}, with {@code before} (a fork's snapshot of its source)
     * run ahead of the copy. Both run on another thread while the engine creates the container; on
     * a gated mount (reflink) the engine starts it too, and its server waits for the copy. Neither
     * the engine waits for the data, nor the data for the engine.
     */
    String launch(Branch branch, Template template, Runnable before, String sealedPassword) {
        return launch(branch, template, before, sealedPassword, false);
    }

    /**
     * {@link #launch(Branch, Template, Runnable, String)} where {@code before} may fill the
     * branch's data itself ({@link #copyInto}): then no copy follows it.
     */
    String launch(Branch branch, Template template, Runnable before, String sealedPassword, boolean beforeFills) {
        StorageDriver driver = storage.copying(branch.storageDriver());
        Mount planned = driver.prepareClone(branch.id(), branch.parent());
        Supplier<Mount> copy = () -> {
            long t0 = System.nanoTime();
            before.run();
            long t1 = System.nanoTime();
            Mount made = beforeFills ? driver.mountOf(branch.id(), branch.parent())
                    : driver.cloneFor(branch.id(), branch.parent());
            log.debug("branch {}: data ready in {} ms (of which the source's snapshot {} ms)", branch.name(),
                    (System.nanoTime() - t0) / 1_000_000, (t1 - t0) / 1_000_000);
            return made;
        };
        try {
            // an image that holds the data (a fork's commit) must exist before its container does
            return planned.fillableAfterCreate()
                    ? start(branch, template, planned, CompletableFuture.supplyAsync(copy, DATA), sealedPassword)
                    : start(branch, template, copy.get(), CompletableFuture.completedFuture(null), sealedPassword);
        } catch (RuntimeException e) {
            driver.removeBranch(branch.id());
            throw e;
        }
    }

    /** Starts the branch again on the data it has (its instance vanished); a fresh copy when none is left. */
    String relaunch(Branch branch, Template template) {
        return start(branch, template, storage.copying(branch.storageDriver()).existing(branch.id(), branch.parent()),
                CompletableFuture.completedFuture(null), null);
    }

    /** The data a running branch mounts. */
    Mount dataOf(Branch branch) {
        return storage.holding(branch.storageDriver()).mountOf(branch.id(), branch.parent());
    }

    private String start(Branch branch, Template template, Mount data, CompletableFuture<?> dataReady,
            String sealedPassword) {
        branch.ensureSecrets(BranchLauncher::newSecret);
        branch.newReadOnlyPassword(newSecret());
        long t0 = System.nanoTime();
        // one-round verifiers: microseconds, no need to compute them while the engine works; the
        // data may be a copy that carries other branches' readers, which lose their passwords here
        List<String> passwords = new ArrayList<>(BranchCredentials.passwords(branch));
        passwords.addAll(readers.launchStatements(branch.id()));
        String instance = runtime.start(data.keyedInstance(containerName(branch), branch.instanceKey(),
                properties.pgdata()).withLabels(labels(branch, template, Labels.KIND_BRANCH))
                .withResources(branch.resources()).withCommand(COMMAND), dataReady);
        long started = System.nanoTime();
        try {
            // set over TCP, or by the exec's psql on the server the answer hands out (its port was
            // published before the server started): the passwords are committed, no login re-proves it
            boolean set = sealedPassword != null
                    && credentials.applyWithSealedPassword(instance, adminUrl(branch), sealedPassword, passwords,
                    template);
            // data sealed without a bootstrap secret may predate the read-only role too
            List<String> sql = set ? passwords : BranchCredentials.withReadOnlyRole(passwords, template);
            if (!set && !credentials.applyOnceUp(instance, sql)) {
                PostgresReadiness.awaitAnswering(runtime, instance, adminUrl(branch), PostgresConnections.SUPERUSER,
                        branch.superuserPassword(), properties.readyTimeout()).ifPresent(BranchLauncher::closeQuietly);
                credentials.apply(instance, adminUrl(branch), sql, template);
                // the answer promises a branch that takes its new credentials over TCP
                try (Connection admin = PostgresReadiness.connect(runtime, instance, adminUrl(branch),
                        PostgresConnections.SUPERUSER, branch.superuserPassword(), properties.readyTimeout())) {
                    admin.isValid(1);
                }
            }
            log.debug("branch {}: container started in {} ms, ready with its credentials {} ms later", branch.name(),
                    (started - t0) / 1_000_000, (System.nanoTime() - started) / 1_000_000);
            return instance;
        } catch (SQLException e) {
            runtime.remove(instance);
            throw new ContainerFailedException("the branch refused its new credentials: " + e.getMessage(), "", e);
        } catch (RuntimeException e) {
            runtime.remove(instance);
            throw e;
        }
    }

    /** Gives a running branch from before per-branch secrets its own; the caller saves the row. */
    void giveOwnSecrets(Branch branch, Template template) {
        branch.ensureSecrets(BranchLauncher::newSecret);
        credentials.apply(branch.instanceHandle(), adminUrl(branch), branch, template);
    }

    /** Waits until an existing branch container accepts connections again (after a start). */
    void awaitReady(Branch branch, Template template) {
        try (Connection admin = PostgresReadiness.connect(runtime, branch.instanceHandle(), adminUrl(branch),
                PostgresConnections.SUPERUSER, superuserPassword(branch, template), properties.readyTimeout())) {
            admin.isValid(1);
        } catch (SQLException e) {
            throw new ContainerFailedException("branch '" + branch.name() + "' did not come back: " + e.getMessage(),
                    runtime.logTail(branch.instanceHandle(), 20), e);
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
     * Freezes a running branch for a child branch: a checkpoint first so recovery at the child's
     * start is short, then the storage driver's crash-consistent copy (a commit of the paused
     * container, or a reflink copy of its paused data directory) to {@link #snapshotRef}, which
     * the child's saved row must already name. The copy carries the source's credentials until the
     * child's launch replaces them.
     */
    void snapshot(Branch source, Branch child, Template template) {
        checkpoint(source, template);
        storage.copying(source.storageDriver()).snapshot(source.instanceHandle(), source.id(), child.snapshot(),
                labels(child, template, Labels.KIND_SNAPSHOT));
    }

    /** A checkpoint in the source first, so that the copy's recovery at its start is short. */
    private void checkpoint(Branch source, Template template) {
        try (Connection admin = PostgresReadiness.connect(runtime, source.instanceHandle(), adminUrl(source),
                PostgresConnections.SUPERUSER, superuserPassword(source, template), properties.readyTimeout());
                Statement st = admin.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new ContainerFailedException("checkpoint of branch '" + source.name() + "' failed: "
                    + e.getMessage(), "", e);
        }
    }

    /** Whether {@link #copyInto} can copy this running source for a child. */
    boolean copiesInto(Branch source) {
        return storage.copying(source.storageDriver()).copiesRunningInto();
    }

    /**
     * Like {@link #snapshot}, straight into the child's own directory (prepared by its launch):
     * one copy, and no snapshot to reset the child to.
     */
    void copyInto(Branch source, Branch child, Template template) {
        checkpoint(source, template);
        storage.copying(source.storageDriver()).copyRunningInto(source.instanceHandle(), source.id(), child.id(),
                child.parent());
    }

    /** Where a child's snapshot of the source goes; the child's row records it before the copy. */
    DataRef snapshotRef(Branch child, Branch source) {
        return storage.copying(source.storageDriver()).plannedSnapshot(child.id(), child.name(), source.parent());
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
        return endpoints.jdbcUrl(branch.instanceKey(), branch.databaseName());
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
