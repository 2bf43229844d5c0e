package dev.offshoot.template;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.relational.core.conversion.DbActionExecutionException;
import org.springframework.stereotype.Service;

import dev.offshoot.auth.Tenancy;
import dev.offshoot.config.IdleSuspend;
import dev.offshoot.config.PoolProperties;
import dev.offshoot.config.PostgresProperties;
import dev.offshoot.error.OffshootException;
import dev.offshoot.naming.NamedLocks;
import dev.offshoot.naming.SharedLocks;
import dev.offshoot.naming.Names;
import dev.offshoot.provision.Builds;
import dev.offshoot.provision.Instance;

/** Templates: create from a source, refresh into a new revision, list, describe, delete. */
@Service
public class TemplateService {

    private static final Logger log = LoggerFactory.getLogger(TemplateService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TemplateRepository templates;
    private final TemplateBuilder builder;
    private final Builds builds;
    private final ObjectProvider<TemplateBranches> branches;
    private final ObjectProvider<TemplatePool> pool;
    private final PoolProperties poolProperties;
    private final PostgresProperties postgres;
    private final NamedLocks locks;

    TemplateService(TemplateRepository templates, TemplateBuilder builder, Builds builds,
            ObjectProvider<TemplateBranches> branches, ObjectProvider<TemplatePool> pool,
            PoolProperties poolProperties, PostgresProperties postgres, SharedLocks sharedLocks) {
        this.postgres = postgres;
        this.locks = new NamedLocks("template", NamedLocks.DEFAULT_WAIT, sharedLocks);
        this.templates = templates;
        this.pool = pool;
        this.poolProperties = poolProperties;
        this.builder = builder;
        this.builds = builds;
        this.branches = branches;
    }

    /**
     * @param postgresVersion the PostgreSQL major, or null for offshoot.postgres.default-version
     * @param idleSuspend     as clients send it ("5m", "PT1H", "0"); null: the service's setting applies
     */
    public record NewTemplate(String name, String database, String owner, Integer postgresVersion,
            String idleSuspend) {

        public NewTemplate(String name, String database, String owner) {
            this(name, database, owner, null, null);
        }
    }

    Template create(NewTemplate request, TemplateSource source, List<String> fileNames, String principal) {
        String name = Names.requireResourceName("template", request.name());
        String database = Names.requireSqlIdentifier("database", orDefault(request.database(), "app"));
        String owner = Names.requireSqlIdentifier("owner role", orDefault(request.owner(), database));
        int major = postgres.choose(request.postgresVersion());
        Duration idle = IdleSuspend.parse(request.idleSuspend());
        validate(source);
        Tenancy.requireTemplateChange(name, "create");
        return withLock(name, () -> {
            if (templates.findByName(name).isPresent()) {
                throw OffshootException.conflict("NAME_TAKEN", "a template named '" + name + "' already exists");
            }
            Template template = new Template(name, database, owner, secret(), source.type(), source.url(), principal,
                    major);
            template.suspendIdleAfter(idle);
            TemplateRevision revision = builder.build(template, 1, source, fileNames);
            template.addRevision(revision);
            try {
                return templates.save(template);
            } catch (DuplicateKeyException | DbActionExecutionException e) {
                removeData(revision);
                throw OffshootException.conflict("NAME_TAKEN", "a template named '" + name + "' already exists");
            }
        });
    }

    /** A new revision from the given source, or from the template's stored source when none is given. */
    Template refresh(String name, TemplateSource source, List<String> fileNames) {
        get(name);
        Tenancy.requireTemplateChange(name, "refresh");
        return withLock(name, () -> {
            Template template = get(name);
            TemplateSource effective = source != null ? source : storedSource(template);
            validate(effective);
            TemplateRevision revision = builder.build(template, template.nextRevisionNumber(), effective, fileNames);
            template.addRevision(revision);
            template.useSource(effective.type(), effective.url());
            try {
                return templates.save(template);
            } catch (RuntimeException e) {
                removeData(revision);
                throw e;
            }
        });
    }

    /**
     * The next revision from a running container of this template, e.g. a throwaway branch of the
     * latest revision with migrations applied. The caller removes the container afterwards.
     */
    public TemplateRevision addRevisionFromContainer(String name, Instance instance, String superuserPassword,
            String source) {
        Tenancy.requireTemplateChange(name, "add a revision to");
        return withLock(name, () -> {
            Template template = get(name);
            TemplateRevision revision = builder.commitRunning(template, template.nextRevisionNumber(), instance,
                    superuserPassword, source);
            template.addRevision(revision);
            try {
                templates.save(template);
                return revision;
            } catch (RuntimeException e) {
                removeData(revision);
                throw e;
            }
        });
    }

    /** The data paths of every stored revision (reflink), whoever may see them: for the orphan sweep. */
    public java.util.Set<String> revisionDataPaths() {
        return templates.findAll().stream().flatMap(t -> t.revisions().stream()).map(TemplateRevision::dataPath)
                .filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.toSet());
    }

    /** A template the current caller may use; others are reported as not found. */
    public Template get(String name) {
        return templates.findByName(name).filter(t -> Tenancy.mayUseTemplate(t.name()))
                .orElseThrow(() -> OffshootException.notFound("TEMPLATE_NOT_FOUND", "no template named '" + name + "'"));
    }

    public Template byId(java.util.UUID id) {
        return templates.findById(id).orElseThrow(() -> OffshootException.notFound("TEMPLATE_NOT_FOUND",
                "the template of this branch no longer exists"));
    }

    /** The templates the current caller may use, as the API shows them. */
    public List<TemplateView> views() {
        return list().stream().map(this::view).toList();
    }

    TemplateView view(Template template) {
        int ready = template.latestRevision().map(r -> pool.getObject().ready(template.id(), r.revision())).orElse(0);
        return TemplateView.of(template, branchCounts(template), ready);
    }

    /** Templates with a warm pool, for the filler (no caller's limits apply: it runs as the system). */
    public List<Template> withPools() {
        return templates.findByPoolSizeGreaterThan(0);
    }

    /**
     * Sets how many branches of the latest revision the warm pool keeps started; the filler starts
     * or discards members in the background. A template change: write scope and no limits.
     */
    Template resizePool(String name, Integer size) {
        if (size == null || size < 0 || size > poolProperties.maxSize()) {
            throw OffshootException.invalid("INVALID_POOL_SIZE", "poolSize must be 0 to " + poolProperties.maxSize()
                    + " (offshoot.pool.max-size)");
        }
        get(name);
        Tenancy.requireTemplateChange(name, "resize the warm pool of");
        return withLock(name, () -> {
            Template template = get(name);
            template.resizePool(size);
            log.info("warm pool of template {} set to {}", name, size);
            return templates.save(template);
        });
    }

    /**
     * Sets how long its branches may go without a connection before they are suspended ("5m", "0"
     * for never, "inherit" for the service's setting); a branch's own setting still wins.
     */
    Template suspendIdleAfter(String name, String idleSuspend) {
        Duration idle = IdleSuspend.change(idleSuspend);
        get(name);
        Tenancy.requireTemplateChange(name, "change the idle suspension of");
        return withLock(name, () -> {
            Template template = get(name);
            template.suspendIdleAfter(idle);
            log.info("idle suspension of template {}'s branches set to {}", name, idle == null ? "the service's" : idle);
            return templates.save(template);
        });
    }

    List<Template> list() {
        return templates.findAll().stream().filter(t -> Tenancy.mayUseTemplate(t.name())).toList();
    }

    Map<Integer, Long> branchCounts(Template template) {
        return branches.getObject().liveBranchCounts(template.id());
    }

    void delete(String name, boolean force) {
        get(name);
        Tenancy.requireTemplateChange(name, force ? "force-delete" : "delete");
        withLock(name, () -> {
            Template template = get(name);
            long live = branchCounts(template).values().stream().mapToLong(Long::longValue).sum();
            if (live > 0 && !force) {
                throw OffshootException.conflict("TEMPLATE_IN_USE", "template '" + name + "' has " + live
                        + " live branch(es); delete them first or pass force=true");
            }
            // also when no caller's branch is live: the template's warm-pool members go with it
            branches.getObject().deleteAllOf(template.id());
            for (TemplateRevision revision : template.revisions()) {
                removeData(revision);
            }
            templates.delete(template);
            log.info("deleted template {} ({} revision(s))", name, template.revisions().size());
            return null;
        });
    }

    /** Removes a revision's data through the driver that holds it (reflink: never the base image). */
    private void removeData(TemplateRevision revision) {
        builds.removeRevision(revision.data());
    }

    private TemplateSource storedSource(Template template) {
        return switch (template.sourceType()) {
            case EMPTY -> TemplateSource.empty();
            case URL -> TemplateSource.url(template.sourceUrl());
            case SQL -> throw OffshootException.invalid("SOURCE_REQUIRED", "template '" + template.name()
                    + "' was loaded from uploaded SQL files; upload them again to refresh it");
        };
    }

    private static void validate(TemplateSource source) {
        if (source.type() == Template.SourceType.URL && !ConnectionUris.looksLikePostgresUri(source.url())) {
            throw OffshootException.invalid("INVALID_SOURCE", "sourceUrl must be a postgresql:// connection URI");
        }
        if (source.type() == Template.SourceType.SQL && source.sqlFiles().isEmpty()) {
            throw OffshootException.invalid("INVALID_SOURCE", "upload at least one SQL file");
        }
    }

    private <T> T withLock(String name, java.util.function.Supplier<T> action) {
        return locks.withLock(name, action);
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
