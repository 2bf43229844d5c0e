package dev.offshoot.neon;

import java.security.SecureRandom;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Ids in Neon's form. Clients tell an id from a name by its form alone: neonctl takes
 * {@code br-} and three lowercase alphanumeric parts for an id and anything else for a name, Neon's
 * create-branch action wants the two middle parts to be letters. So a branch id is
 * {@code br-<word>-<word>-<8 digits>}, its endpoint's {@code ep-} and the same three parts, and a
 * project id is a template name of at most 60 lowercase letters, digits and hyphens.
 */
final class NeonIds {

    /** Neon's project id pattern. */
    static final Pattern PROJECT = Pattern.compile("[a-z0-9-]{1,60}");
    /** What neonctl takes for a branch id rather than a name. */
    static final Pattern BRANCH = Pattern.compile("br-[a-z0-9]+-[a-z0-9]+-[a-z0-9]+");
    static final Pattern ENDPOINT = Pattern.compile("ep-[a-z0-9]+-[a-z0-9]+-[a-z0-9]+");

    private static final String BRANCH_PREFIX = "br-";
    private static final String ENDPOINT_PREFIX = "ep-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> ADJECTIVES = List.of("amber", "ancient", "autumn", "billowing", "bitter",
            "black", "blue", "bold", "brave", "bright", "broad", "calm", "cold", "cool", "crimson", "curly",
            "damp", "dark", "dawn", "delicate", "divine", "dry", "empty", "falling", "fancy", "flat", "floral",
            "fragrant", "frosty", "gentle", "green", "hidden", "holy", "icy", "jolly", "late", "lingering",
            "little", "lively", "long", "lucky", "misty", "morning", "muddy", "mute", "nameless", "noisy", "odd",
            "old", "orange", "patient", "plain", "polished", "proud", "purple", "quiet", "rapid", "red", "restless",
            "rough", "round", "royal", "shiny", "shy", "silent", "small", "snowy", "soft", "solitary", "sparkling",
            "spring", "square", "steep", "still", "summer", "sweet", "tiny", "twilight", "wandering", "weathered",
            "white", "wild", "winter", "wispy", "withered", "yellow", "young");
    private static final List<String> NOUNS = List.of("bar", "base", "bird", "block", "boat", "bonus", "bread",
            "breeze", "brook", "bush", "butterfly", "cake", "cell", "cherry", "cloud", "credit", "darkness", "dawn",
            "dew", "disk", "dream", "dust", "feather", "field", "fire", "firefly", "flower", "fog", "forest",
            "frog", "frost", "glade", "glitter", "grass", "hall", "hat", "haze", "heart", "hill", "king", "lab",
            "lake", "leaf", "limit", "math", "meadow", "mode", "moon", "morning", "mountain", "mouse", "mud",
            "night", "paper", "pine", "poetry", "pond", "queen", "rain", "recipe", "resonance", "rice", "river",
            "salad", "scene", "sea", "shadow", "shape", "silence", "sky", "smoke", "snow", "snowflake", "sound",
            "star", "sun", "sunset", "surf", "term", "thunder", "tooth", "tree", "truth", "union", "unit",
            "violet", "voice", "water", "waterfall", "wave", "wildflower", "wind", "wood");

    private NeonIds() {
    }

    /** A new random branch id; unique only once stored (the store retries on a collision). */
    static String newBranchId() {
        return BRANCH_PREFIX + pick(ADJECTIVES) + "-" + pick(NOUNS) + "-"
                + String.format("%08d", RANDOM.nextInt(100_000_000));
    }

    static boolean isBranchId(String value) {
        return value != null && BRANCH.matcher(value).matches();
    }

    static boolean isProjectId(String value) {
        return value != null && PROJECT.matcher(value).matches();
    }

    /** The id of a branch's one read-write endpoint: its branch id's parts under {@code ep-}. */
    static String endpointOf(String branchId) {
        return ENDPOINT_PREFIX + branchId.substring(BRANCH_PREFIX.length());
    }

    /** The branch id an endpoint id belongs to, or null for something that is no endpoint id. */
    static String branchOf(String endpointId) {
        return endpointId != null && ENDPOINT.matcher(endpointId).matches()
                ? BRANCH_PREFIX + endpointId.substring(ENDPOINT_PREFIX.length()) : null;
    }

    private static String pick(List<String> words) {
        return words.get(RANDOM.nextInt(words.size()));
    }
}
