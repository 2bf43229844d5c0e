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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.offshoot.postgres.BranchRoles;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.runtime.ContainerRuntime;
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
    private final ContainerRuntime runtime;
    private final Map<UUID, Renewal> renewals = new ConcurrentHashMap<>();

    WarmPool(BranchRepository branches, JdbcTemplate jdbc, BranchPolicies policies, BranchLauncher launcher,
            ContainerRuntime runtime) {
        this.branches = branches;
        this.jdbc = jdbc;
        this.policies = policies;
        this.launcher = launcher;
        this.runtime = runtime;
    }

    /** What a create asks for that a claim hands over. */
    record Claim(String name, Map<String, String> labels, String creator, Instant expiresAt, boolean protectedBranch) {
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
        // one statement takes the row: concurrent claims skip each other's, a discard that changed
        // the status first wins, and the version moves so any stale copy of the row fails to save
        List<UUID> taken = jdbc.queryForList("UPDATE branch SET status = 'CREATING', status_since = now(),"
                + " version = version + 1 WHERE id = (SELECT id FROM branch WHERE template_id = ?"
                + " AND template_revision = ? AND status = 'POOLED' ORDER BY created_at LIMIT 1"
                + " FOR UPDATE SKIP LOCKED) RETURNING id", UUID.class, template.id(), revision.revision());
        if (taken.isEmpty()) {
            return Optional.empty();
        }
        Branch branch = branches.findById(taken.getFirst()).orElseThrow();
        String memberName = branch.name();
        branch.claim(claim.name(), claim.labels(), claim.creator(), claim.expiresAt(), claim.protectedBranch());
        branch = branches.save(branch);
        try {
            policies.checkQuota(claim.creator());
        } catch (RuntimeException e) {
            // QUOTA_EXCEEDED (or the store failing): the member goes back, secrets untouched
            branch.returnToPool(memberName, CREATOR);
            branches.save(branch);
            throw e;
        }
        try {
            String memberSecret = branch.superuserPassword();
            Renewal renewal = renewals.remove(branch.id());
            if (renewal == null) {
                renewal = Renewal.of(branch.roleName());
            }
            branch.renewSecrets(renewal.password(), renewal.superuserPassword(), renewal.readonlyPassword());
            rotate(branch, memberSecret, renewal.sql());
            branch.started(branch.instanceHandle());
            Branch saved = branches.save(branch);
            log.info("branch {} ({}) claimed from the warm pool of {}", saved.name(), saved.id(), template.name());
            return Optional.of(saved);
        } catch (RuntimeException | SQLException e) {
            log.warn("warm-pool member {} could not be handed over, discarded: {}", branch.id(), e.getMessage());
            runtime.remove(branch.instanceHandle());
            runtime.release(branch.instanceKey());
            branches.deleteById(branch.id());
            return Optional.empty();
        }
    }

    /**
     * Computes ahead the secrets a parked member gets at its claim, and their SQL: each SCRAM
     * verifier is a PBKDF2 of 4096 rounds (about 12 ms on 2 cores), three of them the bulk of a
     * claim. Kept in memory only; a member parked before this service started computes them at its
     * claim.
     */
    void prepareClaim(Branch member) {
        renewals.put(member.id(), Renewal.of(member.roleName()));
    }

    /** Drops what was computed for members that are no longer parked (claimed, discarded, gone). */
    void forgetClaimsExcept(Set<UUID> parked) {
        renewals.keySet().retainAll(parked);
    }

    /** A claimed branch's next secrets and the SQL that sets them (verifiers only). */
    private record Renewal(String password, String superuserPassword, String readonlyPassword, String sql) {

        static Renewal of(String ownerRole) {
            String password = newSecret();
            String superuser = newSecret();
            String readonly = newSecret();
            return new Renewal(password, superuser, readonly, String.join(";\n", List.of(
                    "SET search_path = pg_catalog",
                    BranchRoles.password(PostgresConnections.SUPERUSER, superuser),
                    BranchRoles.password(ownerRole, password),
                    BranchRoles.password(BranchRoles.READ_ONLY_ROLE, readonly))));
        }

        @Override
        public String toString() {
            return "Renewal[***]";
        }
    }

    /**
     * Sets the claimed branch's new passwords (SCRAM verifiers), over TCP as the superuser with the
     * member's password, in one round trip. The member's launch already made the read-only role.
     */
    private void rotate(Branch branch, String memberSecret, String sql) throws SQLException {
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
