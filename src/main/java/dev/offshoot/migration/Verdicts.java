package dev.offshoot.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns what a check found (lint findings, the effects measured on the copy, locks, rewrites, the
 * schema diff, a failure) into a verdict under a policy: fail when an error counts (or a warning,
 * unless the mode is error-only), warn when only warnings count, pass otherwise. An effect counts
 * under its rule like a lint finding; one that a lint finding of the same rule already names
 * (the text said it, the copy confirmed it) is not counted twice. Pure: the same inputs give the
 * same verdict.
 */
final class Verdicts {

    static final String PASS = "pass";
    static final String WARN = "warn";
    static final String FAIL = "fail";
    static final String MIGRATION_FAILED = "MIGRATION_FAILED";
    /** Destructive rules an allowlisted target (a staged change) lifts. */
    private static final Set<String> STAGEABLE = Set.of("DROP_TABLE", "DROP_COLUMN", "RENAME", "TRUNCATE",
            "DELETE_WITHOUT_WHERE", "ROWS_REMOVED", "DROP_INDEX", "DROP_CONSTRAINT", "DROP_SEQUENCE");
    /** Levels of the effect rules the lint does not have. */
    private static final Map<String, String> EFFECT_LEVELS = Map.of("ROWS_REMOVED", "error", "DROP_INDEX", "warning",
            "DROP_CONSTRAINT", "warning", "DROP_SEQUENCE", "warning");

    /** A finding that counts, with the level the policy gave it. */
    record Decision(String level, String rule, String migration, String target, String message) {
    }

    record Verdict(String verdict, List<Decision> findings) {

        boolean passed() {
            return !FAIL.equals(verdict);
        }
    }

    private Verdicts() {
    }

    static Verdict evaluate(MigrationPolicy policy, List<MigrationLint.Finding> lint, List<TrialEffects.Effect> effects,
            List<MigrationWatch.LockTaken> locks, List<MigrationWatch.Rewrite> rewrites, SchemaDiff diff,
            Map<String, Object> failure) {
        List<Pattern> allow = MigrationPolicy.STRICT.equals(policy.mode()) ? List.of()
                : policy.allow().stream().map(r -> MigrationPolicy.compile("allow", r)).toList();
        List<Decision> out = new ArrayList<>();
        if (failure != null) {
            Object script = failure.get("migration") instanceof Map<?, ?> m ? m.get("script") : null;
            out.add(new Decision("error", String.valueOf(failure.getOrDefault("code", MIGRATION_FAILED)),
                    script == null ? null : script.toString(), null, String.valueOf(failure.get("detail"))));
        }
        for (MigrationLint.Finding f : lint) {
            String level = level(policy, f.rule(), switch (f.severity()) {
                case "high" -> "error";
                case "medium" -> "warning";
                default -> "off";
            });
            if (!level.equals("off") && !(STAGEABLE.contains(f.rule()) && allowed(allow, f.target()))) {
                out.add(new Decision(level, f.rule(), f.migration(), f.target(), f.message()));
            }
        }
        effects(policy, allow, lint, effects, out);
        limits(policy, locks, rewrites, out);
        if (diff != null) {
            naming(policy, diff, out);
        }
        return new Verdict(verdictOf(policy.mode(), out), List.copyOf(out));
    }

    /** The verdict the decisions give under a mode. */
    static String verdictOf(String mode, List<Decision> decisions) {
        boolean error = decisions.stream().anyMatch(d -> d.level().equals("error"));
        boolean warning = decisions.stream().anyMatch(d -> d.level().equals("warning"));
        return error || (warning && !MigrationPolicy.ERROR_ONLY.equals(mode)) ? FAIL : warning ? WARN : PASS;
    }

    /** Whether the policy refuses the set (a set that failed on the copy is refused before the policy is asked). */
    static boolean refused(String mode, List<Decision> decisions) {
        return FAIL.equals(verdictOf(mode, decisions));
    }

    private static void effects(MigrationPolicy policy, List<Pattern> allow, List<MigrationLint.Finding> lint,
            List<TrialEffects.Effect> effects, List<Decision> out) {
        for (TrialEffects.Effect e : effects) {
            String level = level(policy, e.rule(), EFFECT_LEVELS.getOrDefault(e.rule(), "error"));
            if (level.equals("off") || STAGEABLE.contains(e.rule()) && allowed(allow, e.target())
                    || saidByLint(lint, e)) {
                continue;
            }
            out.add(new Decision(level, e.rule(), e.migration(), e.target(), "on the copy, "
                    + (e.migration() == null ? "the set " : e.migration() + " ") + e.message()));
        }
    }

    /** Whether a lint finding of the same rule names the same object (its target as written, maybe unqualified). */
    private static boolean saidByLint(List<MigrationLint.Finding> lint, TrialEffects.Effect effect) {
        String target = effect.target().replace("\"", "");
        for (MigrationLint.Finding f : lint) {
            if (!f.rule().equals(effect.rule()) || f.target() == null) {
                continue;
            }
            for (String written : f.target().split(",")) {
                String name = written.strip();
                name = name.startsWith("\"") ? name.replace("\"", "") : name.toLowerCase(Locale.ROOT);
                if (target.equals(name) || target.endsWith("." + name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void limits(MigrationPolicy policy, List<MigrationWatch.LockTaken> locks,
            List<MigrationWatch.Rewrite> rewrites, List<Decision> out) {
        Long maxLock = policy.limits().maxRowsForAccessExclusiveLock();
        String lockLevel = level(policy, "LOCK_LIMIT", "error");
        if (maxLock != null && !lockLevel.equals("off")) {
            locks.stream().filter(l -> l.mode().equals("AccessExclusiveLock") && l.rowEstimate() > maxLock)
                    .forEach(l -> out.add(new Decision(lockLevel, "LOCK_LIMIT", l.migration(), l.relation(),
                            "takes ACCESS EXCLUSIVE on " + l.relation() + " (~" + l.rowEstimate() + " rows), over the"
                                    + " limit of " + maxLock + " rows")));
        }
        Long maxRewrite = policy.limits().maxRowsForRewrite();
        String rewriteLevel = level(policy, "REWRITE_LIMIT", "error");
        if (maxRewrite != null && !rewriteLevel.equals("off")) {
            rewrites.stream().filter(r -> r.rowEstimate() > maxRewrite)
                    .forEach(r -> out.add(new Decision(rewriteLevel, "REWRITE_LIMIT", r.migration(), r.table(),
                            "rewrites " + r.table() + " (~" + r.rowEstimate() + " rows), over the limit of "
                                    + maxRewrite + " rows")));
        }
    }

    private static void naming(MigrationPolicy policy, SchemaDiff diff, List<Decision> out) {
        String level = level(policy, "NAMING", "warning");
        if (level.equals("off")) {
            return;
        }
        MigrationPolicy.Naming n = policy.naming();
        Pattern table = MigrationPolicy.compile("naming.table", n.table());
        Pattern index = MigrationPolicy.compile("naming.index", n.index());
        Pattern foreignKey = MigrationPolicy.compile("naming.foreignKey", n.foreignKey());
        Pattern constraint = MigrationPolicy.compile("naming.constraint", n.constraint());
        for (String added : diff.tables().added()) {
            check(table, "table", unqualified(added), level, out);
        }
        for (SchemaDiff.TableChange change : diff.tables().changed()) {
            change.indexes().added().forEach(i -> check(index, "index", i.name(), level, out));
            for (SchemaDiff.Definition c : change.constraints().added()) {
                boolean fk = c.definition().startsWith("FOREIGN KEY");
                check(fk ? foreignKey : constraint, fk ? "foreign key" : "constraint", c.name(), level, out);
            }
        }
    }

    private static void check(Pattern pattern, String kind, String name, String level, List<Decision> out) {
        if (pattern != null && !pattern.matcher(name).find()) {
            out.add(new Decision(level, "NAMING", null, name, kind + " name '" + name + "' does not match "
                    + pattern.pattern()));
        }
    }

    private static String level(MigrationPolicy policy, String rule, String fallback) {
        return policy.rules().getOrDefault(rule, fallback);
    }

    /** A target is allowed when a regex finds a match in one of its dot-separated names, quotes removed. */
    private static boolean allowed(List<Pattern> allow, String target) {
        if (target == null || allow.isEmpty()) {
            return false;
        }
        for (String part : target.replace("\"", "").split("[.,]\\s*")) {
            String name = part.strip();
            if (allow.stream().anyMatch(p -> p.matcher(name).find())) {
                return true;
            }
        }
        return false;
    }

    private static String unqualified(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
