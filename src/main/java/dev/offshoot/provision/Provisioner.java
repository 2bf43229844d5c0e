package dev.offshoot.provision;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.DataRef;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.runtime.ContainerFailedException;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.Labels;
import dev.offshoot.runtime.PostgresReadiness;
import dev.offshoot.storage.Storage;
import dev.offshoot.storage.StorageDriver.Mount;
import dev.offshoot.storage.StorageDriver;

/**
 * The seam between what users ask for and the machines: the only way features start, stop and
 * remove the Postgres instances of their branches. A {@link #start} is one straight line (data,
 * container, readiness and credentials) with one undo path; {@link #destroy} is the one teardown
 * (container, endpoint, data, snapshot). Which storage driver holds the data follows from its
 * {@link DataRef} and is looked up once per operation; the runtime's handles, container names,
 * labels and data paths never leave this package.
 */
@Component
public class Provisioner {

    /**
     * A fork starts on a crash-consistent copy, and Postgres first fsyncs every file of a data
     * directory it was not shut down cleanly in, where one syncfs(2) of the filesystem does the same.
     * pg_stat_statements is preloaded for query tuning (templates create the extension); it tracks
     * no utility statements, whose texts it would keep as written (ALTER ROLE ... PASSWORD).
     */
    private static final List<String> COMMAND = List.of("postgres", "-c", "recovery_init_sync_method=syncfs",
            "-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track_utility=off");
    /** Where a launch copies data while the engine creates the container. */
    private static final Executor DATA = Executors.newVirtualThreadPerTaskExecutor();

    private final ContainerRuntime runtime;
    private final Storage storage;
    private final Endpoints endpoints;
    private final RuntimeProperties properties;
    private final CredentialSetter credentials;
    private final InstanceLabels labels;
    private final Timer starts;
    private final Timer copies;
    private final Timer containers;
    private final Timer readiness;

    public Provisioner(ContainerRuntime runtime, Storage storage, Endpoints endpoints, RuntimeProperties properties,
            MeterRegistry meters) {
        this.runtime = runtime;
        this.storage = storage;
        this.endpoints = endpoints;
        this.properties = properties;
        this.credentials = new CredentialSetter(runtime, properties);
        this.labels = new InstanceLabels(properties);
        this.starts = phase(meters, "start", "a start as a whole: data, container, readiness and credentials");
        this.copies = phase(meters, "data", "the data's copy (and a fork's snapshot), beside the container's start");
        this.containers = phase(meters, "container", "the engine's create and start of the container");
        this.readiness = phase(meters, "ready", "from the container's start until it took its credentials");
    }

    private static Timer phase(MeterRegistry meters, String phase, String description) {
        return Timer.builder("offshoot.instance.start").tag("phase", phase).description(description)
                .publishPercentiles(0.5, 0.95).register(meters);
    }

    /**
     * Starts an instance on the data its plan names and makes it usable. The data is copied while
     * the engine creates the container (and, on a gated mount, starts it: its server waits for the
     * copy); then readiness and the plan's credentials are one step. On failure nothing of it is
     * left: no container, no copy.
     */
    public Instance start(LaunchPlan plan) {
        return starts.record(() -> launch(plan));
    }

    /**
     * Removes whatever runs for the instance (by its handle, or everything labelled with its owner
     * when the handle is not known) so that it can be started again under its key, from its parent
     * (a reset) or on its data (a recreate). Data held by a driver this service cannot copy is
     * refused first, before anything is removed.
     */
    public void takeDown(Instance current) {
        storage.copying(current.parent().driver());
        try {
            removeContainers(current);
        } finally {
            endpoints.stopped(current.key());
        }
    }

    private Instance launch(LaunchPlan plan) {
        UUID id = plan.owner().id();
        StorageDriver driver = storage.copying(plan.origin().parent().driver());
        if (plan.origin() instanceof Origin.Existing existing) {
            return started(plan, driver.existing(id, existing.parent()), CompletableFuture.completedFuture(null));
        }
        Mount planned = driver.prepareClone(id, plan.origin().parent());
        Supplier<Mount> copy = () -> copies.record(() -> data(plan, driver));
        try {
            // an image that holds the data (a fork's commit) must exist before its container does
            return planned.fillableAfterCreate()
                    ? started(plan, planned, CompletableFuture.supplyAsync(copy, DATA))
                    : started(plan, copy.get(), CompletableFuture.completedFuture(null));
        } catch (RuntimeException e) {
            driver.removeBranch(id);
            throw e;
        }
    }

    /** The launch's data, as its origin says. */
    private Mount data(LaunchPlan plan, StorageDriver driver) {
        UUID id = plan.owner().id();
        return switch (plan.origin()) {
            case Origin.CopyOf copy -> driver.cloneFor(id, copy.parent());
            case Origin.SnapshotOf fork -> {
                fromRunning(fork.source(), source -> snapshot(source, plan.owner(), fork.parent()));
                yield driver.cloneFor(id, fork.parent());
            }
            case Origin.OneCopyOf fork -> {
                fromRunning(fork.source(), source -> copyRunning(source, id, fork.parent()));
                yield driver.mountOf(id, fork.parent());
            }
            case Origin.Existing existing -> driver.existing(id, existing.parent());
        };
    }

    private Instance started(LaunchPlan plan, Mount data, CompletableFuture<?> dataReady) {
        Owner owner = plan.owner();
        String handle = containers.record(() -> runtime.start(data.keyedInstance(labels.containerName(owner),
                owner.id().toString(), properties.pgdata()).withLabels(labels.of(owner, Labels.KIND_BRANCH))
                .withResources(plan.resources()).withCommand(COMMAND), dataReady));
        try {
            readiness.record(() -> credentials.applyWhileStarting(handle, jdbcUrl(owner.id(), plan.database()),
                    plan.credentials()));
            Origin origin = plan.origin();
            boolean ownSnapshot = origin instanceof Origin.SnapshotOf || origin instanceof Origin.OneCopyOf;
            return new Instance(owner.id(), plan.database(), handle, origin.parent(),
                    ownSnapshot ? origin.parent() : null);
        } catch (RuntimeException e) {
            runtime.remove(handle);
            throw e;
        }
    }

    /**
     * Copies a running source for a fork. Its owner may reset or delete it meanwhile: a deleted
     * source fails the fork, a reset one is copied again from its new instance, once.
     */
    private static void fromRunning(Origin.ForkSource source, Consumer<Origin.ForkSource> copy) {
        Origin.ForkSource current = source;
        for (int attempt = 1; ; attempt++) {
            try {
                copy.accept(current);
                return;
            } catch (RuntimeException e) {
                Optional<Origin.ForkSource> replaced = current.replaced();
                if (replaced.isEmpty() || attempt == 2) {
                    throw e;
                }
                current = replaced.get();
            }
        }
    }

    /**
     * Freezes a running source for a child: a checkpoint first so the child's recovery at its
     * start is short, then the driver's crash-consistent copy (a commit of the paused container, or
     * a reflink copy of its paused data directory) into the planned snapshot.
     */
    private void snapshot(Origin.ForkSource source, Owner child, DataRef planned) {
        checkpoint(source);
        Instance running = source.instance();
        storage.copying(running.parent().driver()).snapshot(running.handle(), running.owner(), planned,
                labels.of(child, Labels.KIND_SNAPSHOT));
    }

    /** Like {@link #snapshot}, straight into the directory the launch prepared: one copy, no snapshot. */
    private void copyRunning(Origin.ForkSource source, UUID child, DataRef parent) {
        checkpoint(source);
        Instance running = source.instance();
        storage.copying(running.parent().driver()).copyRunningInto(running.handle(), running.owner(), child, parent);
    }

    private void checkpoint(Origin.ForkSource source) {
        Instance running = source.instance();
        try (Connection admin = PostgresReadiness.connect(runtime, running.handle(), jdbcUrl(running),
                PostgresConnections.SUPERUSER, source.superuserPassword(), properties.readyTimeout());
                Statement st = admin.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new ContainerFailedException("checkpoint of branch " + running.owner() + " failed: "
                    + e.getMessage(), "", e);
        }
    }

    /** Where a child's snapshot of the running source will be; the child records it before it exists. */
    public DataRef plannedSnapshot(UUID child, String childName, Instance source) {
        return storage.copying(source.parent().driver()).plannedSnapshot(child, childName, source.parent());
    }

    /** Whether a fork of this source can be one copy straight into the child's data ({@link Origin.OneCopyOf}). */
    public boolean copiesRunning(Instance source) {
        return storage.copying(source.parent().driver()).copiesRunningInto();
    }

    /** Sets new credentials in a running instance (its roles made sure of first). */
    public void setCredentials(Instance instance, Credentials credentials) {
        this.credentials.applyRunning(instance.handle(), jdbcUrl(instance), credentials);
    }

    /** Starts a stopped instance's container again and waits until it takes a login. */
    public void resume(Instance instance, String superuserPassword) {
        runtime.startExisting(instance.handle());
        awaitReady(instance, superuserPassword);
    }

    /** Waits until a started instance takes a login (after the engine started it again). */
    public void awaitReady(Instance instance, String superuserPassword) {
        try (Connection admin = PostgresReadiness.connect(runtime, instance.handle(), jdbcUrl(instance),
                PostgresConnections.SUPERUSER, superuserPassword, properties.readyTimeout())) {
            admin.isValid(1);
        } catch (SQLException e) {
            throw new ContainerFailedException("branch " + instance.owner() + " did not come back: " + e.getMessage(),
                    runtime.logTail(instance.handle(), 20), e);
        }
    }

    /** Stops the instance's container cleanly; its data and endpoint stay. */
    public void stop(Instance instance) {
        try {
            runtime.stop(instance.handle(), properties.stopTimeout());
        } finally {
            endpoints.stopped(instance.key());
        }
    }

    /**
     * The one teardown: every container of the owner, its endpoint, its data; then {@code forget}
     * (the owner's row goes or is marked deleted), and only then the snapshot it was started from,
     * since a snapshot image may still be the parent of one a live row names.
     *
     * @param liveSnapshots the snapshots live rows name, read after the driver lists its own
     */
    public void destroy(Instance instance, Runnable forget, Supplier<Set<String>> liveSnapshots) {
        StorageDriver driver = storage.holding(instance.parent().driver());
        try {
            removeContainers(instance);
        } finally {
            endpoints.stopped(instance.key());
        }
        // no instance of the owner runs again: its endpoint goes back to the runtime
        runtime.release(instance.key());
        driver.removeBranch(instance.owner());
        forget.run();
        if (instance.snapshot() != null) {
            driver.release(instance.snapshot(), liveSnapshots);
        }
    }

    /** Bytes the instance's data no longer shares with its parent, if the driver knows. */
    public Optional<Long> ownBytes(Instance instance) {
        return storage.holding(instance.parent().driver()).ownBytes(instance.handle(), instance.owner());
    }

    /** Offshoot's own JDBC URL of the instance's database. */
    public String jdbcUrl(Instance instance) {
        return jdbcUrl(instance.owner(), instance.database());
    }

    private String jdbcUrl(UUID owner, String database) {
        return endpoints.jdbcUrl(owner.toString(), database);
    }

    private void removeContainers(Instance instance) {
        if (instance.handle() != null) {
            runtime.remove(instance.handle());
        } else {
            runtime.list(labels.ownedBy(instance.owner())).forEach(c -> runtime.remove(c.id()));
        }
    }
}
