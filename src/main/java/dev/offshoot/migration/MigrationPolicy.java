package dev.offshoot.migration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.offshoot.error.OffshootException;

/**
 * What a migration set must satisfy before apply runs it without an approval.
 *
 * @param mode   error-only (only errors fail), warning-sensitive (warnings fail too) or strict
 *               (warnings fail, allowlists ignored)
 * @param rules  a level per rule (error, warning, off); a lint rule not named here takes its
 *               severity's level: high is an error, medium a warning, low off. Rules that measured
 *               effects share with the lint (DROP_TABLE, DROP_COLUMN, TYPE_NARROWING) govern both;
 *               ROWS_REMOVED is an error, DROP_INDEX, DROP_CONSTRAINT and DROP_SEQUENCE warnings.
 *               TRANSACTION_CONTROL is always an error: no policy turns it off
 * @param allow  regexes: a destructive finding (DROP_TABLE, DROP_COLUMN, RENAME, TRUNCATE,
 *               DELETE_WITHOUT_WHERE, ROWS_REMOVED, DROP_INDEX, DROP_CONSTRAINT, DROP_SEQUENCE)
 *               whose table, column, index or new name one of them finds is a staged change and
 *               does not count
 * @param naming regexes new tables, indexes, foreign keys and other constraints must match (rule NAMING)
 * @param limits row counts above which an ACCESS EXCLUSIVE lock or a rewrite counts (LOCK_LIMIT, REWRITE_LIMIT)
 */
public record MigrationPolicy(String mode, Map<String, String> rules, List<String> allow, Naming naming,
        Limits limits) {

    public static final String ERROR_ONLY = "error-only";
    public static final String WARNING_SENSITIVE = "warning-sensitive";
    public static final String STRICT = "strict";
    static final Set<String> MODES = Set.of(ERROR_ONLY, WARNING_SENSITIVE, STRICT);
    static final Set<String> LEVELS = Set.of("error", "warning", "off");
    static final Set<String> RULES = Set.of("DROP_TABLE", "DROP_COLUMN", "TYPE_NARROWING", "TYPE_CHANGE_ON_POPULATED",
            "NOT_NULL_ON_POPULATED", "ADD_NOT_NULL_WITHOUT_DEFAULT", "INDEX_WITHOUT_CONCURRENTLY", "RENAME",
            "VOLATILE_DEFAULT_REWRITE", "NAMING", "LOCK_LIMIT", "REWRITE_LIMIT", "TRUNCATE", "DELETE_WITHOUT_WHERE",
            "DYNAMIC_SQL", "ROWS_REMOVED", "DROP_INDEX", "DROP_CONSTRAINT", "DROP_SEQUENCE");

    public record Naming(String table, String index, String foreignKey, String constraint) {
    }

    public record Limits(Long maxRowsForAccessExclusiveLock, Long maxRowsForRewrite) {
    }

    public MigrationPolicy {
        mode = mode == null ? ERROR_ONLY : mode.strip().toLowerCase(Locale.ROOT);
        rules = rules == null ? Map.of() : Map.copyOf(rules);
        allow = allow == null ? List.of() : List.copyOf(allow);
        naming = naming == null ? new Naming(null, null, null, null) : naming;
        limits = limits == null ? new Limits(null, null) : limits;
    }

    /** The same policy, or a 400 INVALID_POLICY naming what is wrong. */
    public MigrationPolicy validated() {
        if (!MODES.contains(mode)) {
            throw invalid("mode must be one of " + MODES + ", not '" + mode + "'");
        }
        Map<String, String> normalized = new LinkedHashMap<>();
        rules.forEach((rule, level) -> {
            if (!RULES.contains(rule)) {
                throw invalid("unknown rule '" + rule + "'; rules are " + RULES);
            }
            String l = level == null ? "" : level.strip().toLowerCase(Locale.ROOT);
            if (!LEVELS.contains(l)) {
                throw invalid("rule " + rule + " must be error, warning or off, not '" + level + "'");
            }
            normalized.put(rule, l);
        });
        allow.forEach(regex -> compile("allow", regex));
        compile("naming.table", naming.table());
        compile("naming.index", naming.index());
        compile("naming.foreignKey", naming.foreignKey());
        compile("naming.constraint", naming.constraint());
        if (negative(limits.maxRowsForAccessExclusiveLock()) || negative(limits.maxRowsForRewrite())) {
            throw invalid("limits must be zero or more rows");
        }
        return new MigrationPolicy(mode, normalized, allow, naming, limits);
    }

    static Pattern compile(String field, String regex) {
        if (regex == null) {
            return null;
        }
        if (regex.length() > 500) {
            throw invalid(field + ": a regex may have at most 500 characters");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw invalid(field + ": '" + regex + "' is not a valid regex: " + e.getDescription());
        }
    }

    private static boolean negative(Long n) {
        return n != null && n < 0;
    }

    private static OffshootException invalid(String detail) {
        return OffshootException.invalid("INVALID_POLICY", detail);
    }
}
