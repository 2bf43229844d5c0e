package dev.offshoot.template;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.MappedCollection;
import org.springframework.data.relational.core.mapping.Table;

/** A named base database with immutable revisions, each a Docker image holding a stopped PGDATA. */
@Table("template")
public class Template {

    @Id
    private UUID id;
    private String name;
    private String databaseName;
    private String ownerRole;
    private String superuserPassword;
    private SourceType sourceType;
    private String sourceUrl;
    private String createdBy;
    private Instant createdAt;
    /**
     * The PostgreSQL major every revision runs (chosen at create, never changed): a refresh builds
     * on the base image of this major, and branches run the image of their revision.
     */
    private int postgresVersion;
    /** Warm-pool members of the latest revision to keep started (0: none). */
    private int poolSize;
    /** Idle-suspend of its branches in seconds (0: never); null: the service's applies. */
    private Long idleSuspendSeconds;
    @Version
    private Long version;
    @MappedCollection(idColumn = "template_id")
    private Set<TemplateRevision> revisions = new HashSet<>();

    public enum SourceType { EMPTY, URL, SQL }

    protected Template() {
    }

    Template(String name, String databaseName, String ownerRole, String superuserPassword,
            SourceType sourceType, String sourceUrl, String createdBy, int postgresVersion) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.postgresVersion = postgresVersion;
        this.databaseName = databaseName;
        this.ownerRole = ownerRole;
        this.superuserPassword = superuserPassword;
        this.sourceType = sourceType;
        this.sourceUrl = sourceUrl;
        this.createdBy = createdBy;
        this.createdAt = Instant.now();
    }

    public Optional<TemplateRevision> revision(int number) {
        return revisions.stream().filter(r -> r.revision() == number).findFirst();
    }

    public Optional<TemplateRevision> latestRevision() {
        return revisions.stream().max(Comparator.comparingInt(TemplateRevision::revision));
    }

    int nextRevisionNumber() {
        return latestRevision().map(r -> r.revision() + 1).orElse(1);
    }

    void addRevision(TemplateRevision revision) {
        revisions.add(revision);
    }

    void useSource(SourceType type, String url) {
        this.sourceType = type;
        this.sourceUrl = url;
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String databaseName() {
        return databaseName;
    }

    public String ownerRole() {
        return ownerRole;
    }

    /**
     * The superuser password that images of this template built before per-branch secrets accept
     * (their branches fall back to it until their first launch or use). Images built since carry no
     * superuser password: each build uses a throwaway one. Never leaves the service.
     */
    public String superuserPassword() {
        return superuserPassword;
    }

    public SourceType sourceType() {
        return sourceType;
    }

    String sourceUrl() {
        return sourceUrl;
    }

    public String createdBy() {
        return createdBy;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public int postgresVersion() {
        return postgresVersion;
    }

    public int poolSize() {
        return poolSize;
    }

    void resizePool(int size) {
        this.poolSize = size;
    }

    /** How long its branches may go without a connection before they are suspended; null: the service's setting. */
    public Duration idleSuspend() {
        return idleSuspendSeconds == null ? null : Duration.ofSeconds(idleSuspendSeconds);
    }

    void suspendIdleAfter(Duration idle) {
        this.idleSuspendSeconds = idle == null ? null : idle.toSeconds();
    }

    public Set<TemplateRevision> revisions() {
        return Set.copyOf(revisions);
    }
}
