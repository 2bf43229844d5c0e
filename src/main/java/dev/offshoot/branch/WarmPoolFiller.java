package dev.offshoot.branch;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.config.PoolProperties;
import dev.offshoot.config.QuotaProperties;
import dev.offshoot.replica.Leadership;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateService;

/**
 * Keeps every template's warm pool at its size, in the background: starts members of the latest
 * revision (a few per pass, within the service's total of live branches), and discards parked
 * members of older revisions, of shrunk pools and of templates without a pool. What to do is
 * {@link PoolPlan}'s pure decision; this job only observes and executes. Members that die with
 * the engine or the service are the reconciler's (it deletes POOLED rows without a running container).
 * It runs on the leader of the replicas, which alone prepares claims (a session kept to each parked
 * member); a replica that does not lead drops what it prepared while it did, and its claims log in.
 */
@Component
class WarmPoolFiller {

    private static final Logger log = LoggerFactory.getLogger(WarmPoolFiller.class);

    private final BranchService service;
    private final BranchRepository branches;
    private final TemplateService templates;
    private final JdbcTemplate jdbc;
    private final PoolProperties properties;
    private final QuotaProperties quota;
    private final WarmPool pool;
    private final Counter started;
    private final Counter discarded;
    private final Counter errors;
    private final Leadership leadership;

    WarmPoolFiller(BranchService service, WarmPool pool, BranchRepository branches, TemplateService templates,
            JdbcTemplate jdbc, PoolProperties properties, QuotaProperties quota, Leadership leadership,
            MeterRegistry meters) {
        this.service = service;
        this.leadership = leadership;
        this.pool = pool;
        this.branches = branches;
        this.templates = templates;
        this.jdbc = jdbc;
        this.properties = properties;
        this.quota = quota;
        this.started = meters.counter("offshoot.pool.members.started");
        this.discarded = meters.counter("offshoot.pool.members.discarded");
        this.errors = meters.counter("offshoot.pool.errors");
    }

    @Scheduled(fixedDelayString = "${offshoot.pool.refill-interval:2s}",
            initialDelayString = "${offshoot.pool.refill-interval:2s}")
    void tick() {
        if (!leadership.isLeader()) {
            pool.forgetClaimsExcept(java.util.Set.of());
            return;
        }
        try {
            CurrentPrincipal.runAsSystem(this::refillOnce);
        } catch (Exception e) {
            errors.increment();
            log.warn("warm-pool refill failed: {}", e.getMessage(), e);
        }
    }

    /** One pass; returns what it decided. */
    synchronized PoolPlan refillOnce() {
        Map<java.util.UUID, Template> pooled = templates.withPools().stream()
                .filter(t -> t.latestRevision().isPresent())
                .collect(Collectors.toMap(Template::id, Function.identity()));
        List<PoolPlan.Wanted> wanted = pooled.values().stream().map(t -> new PoolPlan.Wanted(t.id(),
                t.latestRevision().orElseThrow().revision(), t.poolSize())).toList();
        List<PoolPlan.Member> members = branches.findPoolMembers(WarmPool.CREATOR).stream()
                .map(b -> new PoolPlan.Member(b.id(), b.name(), b.templateId(), b.templateRevision(), b.status()))
                .toList();
        PoolPlan plan = PoolPlan.of(wanted, members, branches.countLive(), quota.maxLiveBranches(),
                properties.startsPerTick());
        plan.discard().forEach(this::discard);
        pool.forgetClaimsExcept(members.stream().filter(m -> m.status() == BranchStatus.POOLED)
                .map(PoolPlan.Member::id).collect(Collectors.toSet()));
        for (PoolPlan.Wanted w : plan.start()) {
            Template template = pooled.get(w.templateId());
            Branch member = service.startPoolMember(template, template.revision(w.latestRevision()).orElseThrow());
            pool.prepareClaim(member);
            started.increment();
            log.info("warm-pool member {} of {} revision {} parked", member.id(), template.name(), w.latestRevision());
        }
        return plan;
    }

    /**
     * Takes the member out of the pool first, so a claim running now cannot take it as well; under
     * the member's name lock, as every change of a row's status is.
     */
    private void discard(PoolPlan.Member member) {
        service.withLock(member.name(), () -> {
            int taken = jdbc.update("UPDATE branch SET status = 'DELETING', status_since = now(),"
                    + " version = version + 1 WHERE id = ? AND status = 'POOLED'", member.id());
            if (taken == 1) {
                branches.findById(member.id()).ifPresent(service::remove);
                discarded.increment();
            }
            return null;
        });
    }
}
