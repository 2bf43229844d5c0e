package dev.offshoot.branch;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Column;
import org.springframework.data.relational.core.mapping.MappedCollection;
import org.springframework.data.relational.core.mapping.Table;

import dev.offshoot.instance.DataRef;
import dev.offshoot.instance.Resources;
import dev.offshoot.provision.Instance;

/** A running Postgres for one task: an instance the runtime started (under {@link #instanceKey}) plus this row. */
@Table("branch")
class Branch {

    @Id
    private UUID id;
    private String name;
    private BranchStatus status;
    private UUID templateId;
    private int templateRevision;
    private UUID parentBranchId;
    private String parentImage;
    private String snapshotImage;
    /**
     * The runtime's handle of the running instance, opaque here: Docker's container id, a Kubernetes
     * runtime's Pod name. Null before the first start and after the delete.
     */
    private String instanceHandle;
    private String databaseName;
    private String roleName;
    private String password;
    /**
     * This branch's superuser password; null for rows written before per-branch secrets existed
     * (theirs is the template's).
     */
    private String superuserPassword;
    /**
     * The read-only role's password; null for rows written before per-branch secrets existed, until
     * their first use or launch.
     */
    private String readonlyPassword;
    private String createdBy;
    private Instant createdAt;
    private Instant expiresAt;
    private Instant lastActivityAt;
    private Instant deletedAt;
    @Column("is_protected")
    private boolean protectedBranch;
    private String failureReason;
    private Instant statusSince;
    private Long memoryBytes;
    private Integer cpuShares;
    /** Its own idle-suspend setting in seconds (0: never); null: its template's or the service's applies. */
    private Long idleSuspendSeconds;
    /** The storage driver holding the branch's data, its parent's and its snapshot's. */
    private String storageDriver = DataRef.OVERLAY;
    /** reflink: the directory a reset copies again; null for overlay, whose parent image holds the data. */
    private String parentData;
    @Version
    private Long version;
    @MappedCollection(idColumn = "branch_id")
    private Set<BranchLabel> labels = new HashSet<>();

    protected Branch() {
    }

    Branch(String name, UUID templateId, int templateRevision, UUID parentBranchId, String parentImage,
            String databaseName, String roleName, String password, String createdBy,
            Instant expiresAt, boolean protectedBranch, Map<String, String> labels) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.status = BranchStatus.CREATING;
        this.templateId = templateId;
        this.templateRevision = templateRevision;
        this.parentBranchId = parentBranchId;
        this.parentImage = parentImage;
        this.databaseName = databaseName;
        this.roleName = roleName;
        this.password = password;
        this.createdBy = createdBy;
        this.createdAt = Instant.now();
        this.lastActivityAt = createdAt;
        this.statusSince = createdAt;
        this.expiresAt = expiresAt;
        this.protectedBranch = protectedBranch;
        labels.forEach((k, v) -> this.labels.add(new BranchLabel(k, v)));
    }

    /**
     * Gives a row its own secrets where it has none yet: new rows, and rows written before per-branch
     * secrets existed.
     */
    void ensureSecrets(java.util.function.Supplier<String> newSecret) {
        if (superuserPassword == null) {
            superuserPassword = newSecret.get();
        }
        if (readonlyPassword == null) {
            readonlyPassword = newSecret.get();
        }
    }

    void started(String instanceHandle) {
        this.instanceHandle = instanceHandle;
        this.failureReason = null;
        enter(BranchStatus.READY);
    }

    /** A warm-pool member whose container runs and waits for a claim. */
    void pooled(String instanceHandle) {
        this.instanceHandle = instanceHandle;
        enter(BranchStatus.POOLED);
    }

    /**
     * A create takes this pool member: it becomes the caller's branch from now on. Its secrets are
     * still the member's until {@link #renewSecrets} (after the quota check, so a refused claim can
     * go back to the pool untouched).
     */
    void claim(String name, Map<String, String> labels, String createdBy, Instant expiresAt,
            boolean protectedBranch) {
        this.name = name;
        this.labels.clear();
        labels.forEach((k, v) -> this.labels.add(new BranchLabel(k, v)));
        this.createdBy = createdBy;
        this.createdAt = Instant.now();
        this.lastActivityAt = createdAt;
        this.expiresAt = expiresAt;
        this.protectedBranch = protectedBranch;
        enter(BranchStatus.CREATING);
    }

    /** Undoes {@link #claim} before any secret changed. */
    void returnToPool(String poolName, String poolCreator) {
        claim(poolName, Map.of(), poolCreator, null, false);
        enter(BranchStatus.POOLED);
    }

    /** Fresh superuser, owner and read-only passwords: a pool member's are never handed out. */
    void renewSecrets(String password, String superuserPassword, String readonlyPassword) {
        this.password = password;
        this.superuserPassword = superuserPassword;
        this.readonlyPassword = readonlyPassword;
    }

    /**
     * A new password for Offshoot's own read-only role, set at every launch (and where readers were
     * set up on old data): it is never shown to anybody, and no old one works after it.
     */
    void newReadOnlyPassword(String readonlyPassword) {
        this.readonlyPassword = readonlyPassword;
    }

    void restarting() {
        enter(BranchStatus.CREATING);
    }

    void failed(String reason) {
        this.failureReason = reason;
        enter(BranchStatus.FAILED);
    }

    void deleting() {
        enter(BranchStatus.DELETING);
    }

    void deleted() {
        enter(BranchStatus.DELETED);
        this.deletedAt = statusSince;
        this.instanceHandle = null;
    }

    /** The server is stopped; data, name, connection string and passwords are kept. */
    void suspended() {
        enter(BranchStatus.SUSPENDED);
    }

    void resumed() {
        this.lastActivityAt = Instant.now();
        enter(BranchStatus.READY);
    }

    void activeAt(Instant at) {
        this.lastActivityAt = at;
    }

    /** Its own idle-suspend setting; null drops it (the template's or the service's applies). */
    void suspendIdleAfter(Duration idle) {
        this.idleSuspendSeconds = idle == null ? null : idle.toSeconds();
    }

    void expireAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
    }

    void protect(boolean protectedBranch) {
        this.protectedBranch = protectedBranch;
    }

    private void enter(BranchStatus next) {
        this.status = next;
        this.statusSince = Instant.now();
    }

    /** Where the branch's data comes from: a template revision's data, or its own snapshot of a branch. */
    void useParent(DataRef parent) {
        this.storageDriver = parent.driver();
        this.parentImage = parent.image();
        this.parentData = parent.path();
    }

    /** The branch starts from a snapshot of another branch, taken for it alone (removed with it). */
    void useSnapshot(DataRef snapshot) {
        useParent(snapshot);
        this.snapshotImage = snapshot.path() != null ? snapshot.path() : snapshot.image();
    }

    void useSnapshot(String image) {
        useSnapshot(new DataRef.InImage(image));
    }

    /** The branch's Postgres instance as the provisioner knows it. */
    Instance instance() {
        return new Instance(id, databaseName, instanceHandle, parent(), snapshot());
    }

    DataRef parent() {
        return DataRef.of(storageDriver, parentImage, parentData);
    }

    /** The snapshot this branch was started from, or null when it started from a template revision. */
    DataRef snapshot() {
        return snapshotImage == null ? null : parent();
    }

    String storageDriver() {
        return storageDriver;
    }

    /** The container's resources beyond the configured defaults. */
    void limitTo(Resources resources) {
        this.memoryBytes = resources.memoryBytes() > 0 ? resources.memoryBytes() : null;
        this.cpuShares = resources.cpuShares() > 0 ? resources.cpuShares() : null;
    }

    Resources resources() {
        return new Resources(memoryBytes == null ? 0 : memoryBytes, cpuShares == null ? 0 : cpuShares);
    }

    UUID id() {
        return id;
    }

    String name() {
        return name;
    }

    BranchStatus status() {
        return status;
    }

    UUID templateId() {
        return templateId;
    }

    int templateRevision() {
        return templateRevision;
    }

    UUID parentBranchId() {
        return parentBranchId;
    }

    String parentImage() {
        return parentImage;
    }

    String snapshotImage() {
        return snapshotImage;
    }

    String instanceHandle() {
        return instanceHandle;
    }

    /**
     * The key the runtime knows this branch's instance by: every instance of the branch (after a
     * reset, a restart, a recreation) answers at the key's endpoint, so its connection string stays.
     */
    String instanceKey() {
        return id.toString();
    }

    String databaseName() {
        return databaseName;
    }

    String roleName() {
        return roleName;
    }

    String password() {
        return password;
    }

    /** Null for rows written before per-branch secrets existed that were not used or launched since. */
    String superuserPassword() {
        return superuserPassword;
    }

    /** Null for rows written before per-branch secrets existed that were not used or launched since. */
    String readonlyPassword() {
        return readonlyPassword;
    }

    String createdBy() {
        return createdBy;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    Instant lastActivityAt() {
        return lastActivityAt;
    }

    /** Its own idle-suspend setting; null when it has none. */
    Duration idleSuspend() {
        return idleSuspendSeconds == null ? null : Duration.ofSeconds(idleSuspendSeconds);
    }

    Instant deletedAt() {
        return deletedAt;
    }

    boolean isProtected() {
        return protectedBranch;
    }

    String failureReason() {
        return failureReason;
    }

    /** When the branch entered its status; null for rows written before that time was recorded. */
    Instant statusSince() {
        return statusSince;
    }

    Map<String, String> labels() {
        Map<String, String> out = new TreeMap<>();
        labels.forEach(l -> out.put(l.key(), l.value()));
        return out;
    }

    @Override
    public String toString() {
        return "Branch[" + name + ", " + id + ", " + status + "]";
    }
}
