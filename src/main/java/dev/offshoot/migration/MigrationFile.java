package dev.offshoot.migration;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.offshoot.error.OffshootException;

/**
 * One migration as it arrived, with its Flyway name parsed: {@code V<version>__<description>.sql}
 * or {@code R__<description>.sql}. Versions are dotted numbers (underscores count as dots), and
 * compare numerically part by part, so {@code V13.1} follows {@code V12} and {@code V001} equals
 * {@code V1}.
 *
 * @param version null for repeatable migrations
 */
record MigrationFile(String name, String sql, List<BigInteger> version, String description) {

    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__(.+)\\.sql");
    private static final Pattern REPEATABLE = Pattern.compile("R__(.+)\\.sql");

    /** Versioned migrations by version, then repeatables by description, as Flyway applies them. */
    static final Comparator<MigrationFile> ORDER = (a, b) -> {
        if (a.repeatable() != b.repeatable()) {
            return a.repeatable() ? 1 : -1;
        }
        return a.repeatable() ? a.description.compareTo(b.description) : compareVersions(a.version, b.version);
    };

    static MigrationFile parse(String name, String sql) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\")) {
            throw invalid(name, "a migration needs a plain file name");
        }
        Matcher versioned = VERSIONED.matcher(name);
        if (versioned.matches()) {
            List<BigInteger> version = new ArrayList<>();
            for (String part : versioned.group(1).split("[._]")) {
                version.add(new BigInteger(part));
            }
            return new MigrationFile(name, sql, List.copyOf(version), describe(versioned.group(2)));
        }
        Matcher repeatable = REPEATABLE.matcher(name);
        if (repeatable.matches()) {
            return new MigrationFile(name, sql, null, describe(repeatable.group(1)));
        }
        throw invalid(name, "use Flyway names: V<version>__<description>.sql or R__<description>.sql");
    }

    /** Parses, checks for duplicate versions and sorts into the order Flyway applies them. */
    static List<MigrationFile> ordered(Map<String, String> filesByName) {
        List<MigrationFile> files = new ArrayList<>();
        Map<String, String> seenVersions = new HashMap<>();
        filesByName.forEach((name, sql) -> {
            MigrationFile file = parse(name, sql);
            if (!file.repeatable()) {
                String previous = seenVersions.put(file.versionText(), name);
                if (previous != null) {
                    throw invalid(name, "version " + file.versionText() + " is also used by '" + previous + "'");
                }
            }
            files.add(file);
        });
        files.sort(ORDER);
        return List.copyOf(files);
    }

    boolean repeatable() {
        return version == null;
    }

    /** The version as Flyway prints it: trailing zero parts dropped ("1.0" is "1"). */
    String versionText() {
        if (version == null) {
            return null;
        }
        int end = version.size();
        while (end > 1 && version.get(end - 1).signum() == 0) {
            end--;
        }
        return String.join(".", version.subList(0, end).stream().map(BigInteger::toString).toList());
    }

    static int compareVersions(List<BigInteger> a, List<BigInteger> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            BigInteger x = i < a.size() ? a.get(i) : BigInteger.ZERO;
            BigInteger y = i < b.size() ? b.get(i) : BigInteger.ZERO;
            int c = x.compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static String describe(String raw) {
        return raw.replace('_', ' ');
    }

    private static OffshootException invalid(String name, String why) {
        String shown = name == null ? "" : name.length() > 120 ? name.substring(0, 120) + "..." : name;
        return OffshootException.invalid("INVALID_MIGRATION_NAME", "migration '" + shown + "': " + why);
    }

    @Override
    public String toString() {
        return "MigrationFile[" + name + "]";
    }
}
