package dev.offshoot.tuning;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.branch.BranchAccess;
import dev.offshoot.error.OffshootException;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.migration.MigrationOperations;
import dev.offshoot.migration.MigrationOperations.Migration;

/**
 * Completes a tuning: the chosen candidate becomes a migration file (an index as CREATE INDEX
 * CONCURRENTLY) that goes to the branch only through the migration gate, as any migration does:
 * {@code check} runs it on a throwaway copy and answers the verdict; {@code apply} runs the gate
 * (its check, the template's policy, an approval where the policy fails it, the audit log) and the
 * real run. Offshoot runs no DDL on the branch itself here. {@code discard} removes the tuning's
 * copy. After an apply or a discard the tuning is over and its copy is removed.
 */
@Service
class TuningCompletions {

    private static final Pattern INDEX_NAME = Pattern.compile("^CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?"
            + "(?:IF NOT EXISTS )?(?:([\\w$]+) )?ON (?:ONLY )?([\\w$.\"]+)", Pattern.CASE_INSENSITIVE);

    private final Tunings tunings;
    private final TuningStore store;
    private final BranchAccess branches;
    private final MigrationOperations migrations;
    private final JsonMapper json;

    TuningCompletions(Tunings tunings, TuningStore store, BranchAccess branches, MigrationOperations migrations,
            JsonMapper json) {
        this.tunings = tunings;
        this.store = store;
        this.branches = branches;
        this.migrations = migrations;
        this.json = json;
    }

    /** What to do with a tuning. */
    enum Action {
        CHECK, APPLY, DISCARD;

        static Action parse(String text) {
            try {
                return text == null || text.isBlank() ? CHECK : valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw OffshootException.invalid("INVALID_ARGUMENT", "action must be check, apply or discard");
            }
        }
    }

    /**
     * @param migration the migration file: add it to your project's migrations as well
     * @param check     the gate's verdict on a copy (action check)
     * @param applied   what the gate applied (action apply)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Completion(String tuningId, String branch, String action, Integer candidate, Migration migration,
            Object check, Object applied, String next) {
    }

    /**
     * @param branch    the branch the caller named, or null (MCP names the tuning only)
     * @param candidate the candidate's number; the recommended one when null
     * @param name      the migration's Flyway file name; the branch's next version when null
     */
    Completion complete(UUID id, String branch, String actionText, Integer candidate, String name, String approval,
            String channel) {
        Action action = Action.parse(actionText);
        TuningStore.Row row = tunings.visible(id, branch);
        if (action == Action.DISCARD) {
            store.end(id, TuningStore.DISCARDED, null, Instant.now());
            if (row.throwaway() != null) {
                branches.deleteThrowawayLater(row.throwaway());
            }
            return new Completion(id.toString(), row.branch(), "discard", null, null, null, null,
                    "discarded: its copy is being removed");
        }
        requireOpen(row);
        Tunings.Report report = json.readValue(row.report(), Tunings.Report.class);
        Candidate chosen = chosen(report, candidate);
        if (chosen.migrationSql() == null) {
            throw new OffshootException(Kind.UNPROCESSABLE, "NOT_A_MIGRATION", "candidate " + chosen.number()
                    + " is no migration: " + chosen.advice() + ". Complete the tuning with action discard.");
        }
        Migration migration = new Migration(name == null || name.isBlank() ? defaultName(row.branch(), chosen)
                : name.strip(), chosen.migrationSql());
        if (action == Action.CHECK) {
            Object check = migrations.check(row.branch(), List.of(migration));
            store.checked(id, json.writeValueAsString(migration));
            return new Completion(id.toString(), row.branch(), "check", chosen.number(), migration, check, null,
                    "on verdict pass or warn, complete again with action apply; add the migration to your"
                            + " project's migrations too");
        }
        Object applied = migrations.apply(row.branch(), List.of(migration), approval, false, channel);
        store.end(id, TuningStore.COMPLETED, json.writeValueAsString(migration), Instant.now());
        if (row.throwaway() != null) {
            branches.deleteThrowawayLater(row.throwaway());
        }
        return new Completion(id.toString(), row.branch(), "apply", chosen.number(), migration, null, applied,
                "applied through the gate; add the migration to your project's migrations, and compare_schema to"
                        + " review");
    }

    private static void requireOpen(TuningStore.Row row) {
        if (!row.status().equals(TuningStore.KEPT)) {
            throw OffshootException.conflict("TUNING_ENDED", "tuning " + row.id() + " is "
                    + row.status().toLowerCase(Locale.ROOT) + "; prepare a new one");
        }
        if (!Instant.now().isBefore(row.expiresAt())) {
            throw OffshootException.conflict("TUNING_EXPIRED", "tuning " + row.id() + " expired at "
                    + row.expiresAt() + " (offshoot.tuning.keep) and its copy is gone; prepare it again");
        }
    }

    private static Candidate chosen(Tunings.Report report, Integer number) {
        Integer n = number != null ? number : report.recommendation() == null ? null
                : report.recommendation().candidate();
        if (n == null) {
            throw new OffshootException(Kind.UNPROCESSABLE, "NO_RECOMMENDATION", "the tuning recommends no change ("
                    + report.recommendation().reason() + "); name a candidate to land it anyway, or discard");
        }
        if (n < 1 || n > report.candidates().size()) {
            throw OffshootException.invalid("INVALID_CANDIDATE", "candidate must be between 1 and "
                    + report.candidates().size());
        }
        return Candidate.of(n, report.candidates().get(n - 1).change());
    }

    /** {@code V<next>__tune_<index or table>.sql}, after the version the branch's Flyway history is at. */
    private String defaultName(String branch, Candidate candidate) {
        return "V" + next(migrations.schemaVersion(branch)) + "__" + slug(candidate) + ".sql";
    }

    static String next(String version) {
        if (version == null || version.isBlank()) {
            return "1";
        }
        Matcher major = Pattern.compile("^(\\d+)").matcher(version);
        return major.find() ? String.valueOf(Long.parseLong(major.group(1)) + 1) : "1";
    }

    static String slug(Candidate candidate) {
        String what = "statistics";
        Matcher index = INDEX_NAME.matcher(candidate.sql());
        if (candidate.kind() == Candidate.Kind.INDEX && index.find()) {
            what = index.group(1) != null ? index.group(1) : index.group(2) + "_index";
        }
        String slug = ("tune_" + what).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
        return slug.length() > 60 ? slug.substring(0, 60) : slug;
    }
}
