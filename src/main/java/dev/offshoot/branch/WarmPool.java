package dev.offshoot.branch;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.offshoot.auth.Principal;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.provision.Provisioner;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplatePool;
import dev.offshoot.template.TemplateRevision;

/**
 * Warm pools: branches of a template's latest revision started ahead of time (status
 * {@link BranchStatus#POOLED}, owned by {@link #CREATOR}, under a name no caller can choose), so a
 * create of that revision takes one instead of starting a container. A claim gives the member the
 * caller's name, labels, creator, expiry and protection, and <em>fresh</em> superuser, owner and
 * read-only passwords: the member's own were set by Offshoot and are never handed out. Members are
 * started, replaced and drained by {@link WarmPoolFiller}; lists, lookups and quotas skip them.
 */
@Component
class WarmPool implements TemplatePool {

    /** The creator of every pool member; a principal name no token can have (names have no colon). */
    static final String CREATOR = "offshoot:warm-pool";
    static final String NAME_PREFIX = "_pool-";

    private static final Logger log = LoggerFactory.getLogger(WarmPool.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BranchRepository branches;
    private final JdbcTemplate jdbc;
    private final BranchPolicies policies;
    private final BranchLauncher launcher;
    private final Provisioner provisioner;
    private final BranchReaders readers;
    private final MeterRegistry meters;
    private final Map<UUID, Renewal> renewals = new ConcurrentHashMap<>();

    WarmPool(BranchRepository branches, JdbcTemplate jdbc, BranchPolicies policies, BranchLauncher launcher,
            Provisioner provisioner, BranchReaders readers, MeterRegistry meters) {
        this.meters = meters;
        this.branches = branches;
        this.readers = readers;
        this.jdbc = jdbc;
        this.policies = policies;
        this.launcher = launcher;
        this.provisioner = provisioner;
    }

    /**
     * What a create asks for that a claim hands over.
     *
     * @param reader who the create's answer shows a reader role to (set up with the new passwords), or null
     */
    record Claim(String name, Map<String, String> labels, String creator, Instant expiresAt, boolean protectedBranch,
            Principal reader) {
    }

    /** Rows of the pool (parked, starting or discarded): never a caller's branch. Claimed ones are. */
    static boolean isMember(Branch branch) {
        return CREATOR.equals(branch.createdBy());
    }

    /** A pool member's name: not a valid branch name, so no create can take or ask for it. */
    static String memberName(UUID id) {
        return NAME_PREFIX + id.toString().substring(0, 8);
    }

    /**
     * Takes a parked member of this revision for the caller, if one is there; empty when the pool
     * is empty or the member could not be handed over (the caller then starts a branch as usual).
     * The caller holds the new name's lock. Throws QUOTA_EXCEEDED as a cold create would, and the
     * member then goes back to the pool untouched.
     */
    Optional<Branch> claim(Template template, TemplateRevision revision, Claim claim) {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "failed";
        try {
            Optional<Branch> claimed = take(template, revision, claim);
            outcome = claimed.isPresent() ? "claimed" : "missed";
            return claimed;
        } finally {
            sample.stop(Timer.builder("offshoot.pool.claim").tag("outcome", outcome)
                    .description("a create served from the warm pool: claimed, missed (empty pool or a member that"
                            + " could not be handed over) or failed (quota)").publishPercentileHistogram().minimumExpectedValue(java.time.Duration.ofMillis(1))
                    .maximumExpectedValue(java.time.Duration.ofSeconds(30)).register(meters));
        }
    }

    private Optional<Branch> take(Template template, TemplateRevision revision, Claim claim) {
        // one statement takes the row: concurrent claims skip each other's, a discard that changed
        // the status first wins, and the version moves so any stale copy of the row fails to save.
        // It takes the caller's name too, whose lock the caller holds: a row in transition is always
        // under its own name's lock, which is how a reconciler on any replica knows it is in hand
        List<UUID> taken = jdbc.queryForList("UPDATE branch SET status = 'CREATING', status_since = now(),"
                + " name = ?, version = version + 1 WHERE id = (SELECT id FROM branch WHERE template_id = ?"
                + " AND template_revision = ? AND status = 'POOLED' ORDER BY created_at LIMIT 1"
                + " FOR UPDATE SKIP LOCKED) RETURNING id", UUID.class, claim.name(), template.id(),
                revision.revision());
        if (taken.isEmpty()) {
            return Optional.empty();
        }
        Branch branch = branches.findById(taken.getFirst()).orElseThrow();
        branch.claim(claim.name(), claim.labels(), claim.creator(), claim.expiresAt(), claim.protectedBranch());
        branch = branches.save(branch);
        try {
            policies.checkQuota(claim.creator(), claim.labels());
        } catch (RuntimeException e) {
            // QUOTA_EXCEEDED (or the store failing): the member goes back, secrets untouched, under a
            // member's name (no caller can choose one, nor needs the one it had)
            branch.returnToPool(memberName(UUID.randomUUID()), CREATOR);
            branches.save(branch);
            throw e;
        }
        try {
            String memberSecret = branch.superuserPassword();
            Renewal renewal = renewals.remove(branch.id());
            if (renewal == null) {
                renewal = Renewal.of(branch.roleName(), null);
            }
            branch.renewSecrets(renewal.password(), renewal.superuserPassword(), renewal.readonlyPassword());
            String sql = renewal.sql();
            if (claim.reader() != null) {
                // the caller's reader role in the same round trip, so the create's answer needs no login
                readers.prepare(branch.id(), claim.reader());
                sql = sql + ";\n" + String.join(";\n", readers.launchStatements(branch.id()));
            }
            rotate(branch, memberSecret, renewal.session(), sql);
            branch.started(branch.instanceHandle());
            Branch saved = branches.save(branch);
            log.info("branch {} ({}) claimed from the warm pool of {}", saved.name(), saved.id(), template.name());
            return Optional.of(saved);
        } catch (RuntimeException | SQLException e) {
            log.warn("warm-pool member {} could not be handed over, discarded: {}", branch.id(), e.getMessage());
            Branch discarded = branch;
            // a member starts from shared revision data: it has no snapshot of its own to release
            provisioner.destroy(discarded.instance(), () -> branches.deleteById(discarded.id()), Set::of);
            return Optional.empty();
        }
    }

    /**
     * Prepares a parked member's claim: computes the secrets it will get and their SQL (SCRAM
     * verifiers), and logs in to it as the superuser, a session the claim then uses instead of a
     * login of its own. Kept in memory only; a member parked before this service started, or whose
     * session broke, logs in at its claim.
     */
    void prepareClaim(Branch member) {
        Connection session;
        try {
            session = PostgresConnections.superuser(launcher.adminUrl(member), member.superuserPassword());
        } catch (SQLException e) {
            log.debug("no session kept to warm-pool member {}: {}", member.id(), e.getMessage());
            session = null;
        }
        Renewal previous = renewals.put(member.id(), Renewal.of(member.roleName(), session));
        if (previous != null) {
            previous.close();
        }
    }

    /** Drops what was prepared for members that are no longer parked (claimed, discarded, gone). */
    void forgetClaimsExcept(Set<UUID> parked) {
        renewals.entrySet().removeIf(e -> {
            if (parked.contains(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
    }

    /**
     * A claimed branch's next secrets, the SQL that sets them (verifiers only), and a superuser
     * session to the member to run it in, or null.
     */
    private record Renewal(String password, String superuserPassword, String readonlyPassword, String sql,
            Connection session) {

        static Renewal of(String ownerRole, Connection session) {
            String password = newSecret();
            String superuser = newSecret();
            String readonly = newSecret();
            return new Renewal(password, superuser, readonly, String.join(";\n",
                    BranchCredentials.passwords(ownerRole, superuser, password, readonly)), session);
        }

        void close() {
            if (session != null) {
                try {
                    session.close();
                } catch (SQLException e) {
                    // a session to a member that is gone
                }
            }
        }

        @Override
        public String toString() {
            return "Renewal[***]";
        }
    }

    /**
     * Sets the claimed branch's new passwords (SCRAM verifiers) in one round trip, in the session
     * kept to the member, or over a new login as the superuser with the member's password when
     * there is none or it broke (a restarted container). The member's launch already made the
     * read-only role.
     */
    private void rotate(Branch branch, String memberSecret, Connection session, String sql) throws SQLException {
        if (session != null) {
            try (Connection admin = session; Statement st = admin.createStatement()) {
                st.execute(sql);
                return;
            } catch (SQLException e) {
                log.debug("the session kept to warm-pool member {} broke, logging in: {}", branch.id(),
                        e.getMessage());
            }
        }
        try (Connection admin = PostgresConnections.superuser(launcher.adminUrl(branch), memberSecret);
                Statement st = admin.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public int ready(UUID templateId, int revision) {
        Integer count = jdbc.queryForObject("SELECT count(*) FROM branch WHERE template_id = ? AND"
                + " template_revision = ? AND status = 'POOLED'", Integer.class, templateId, revision);
        return count == null ? 0 : count;
    }

    private static String newSecret() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
