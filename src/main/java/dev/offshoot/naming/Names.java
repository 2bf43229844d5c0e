package dev.offshoot.naming;

import java.util.regex.Pattern;

import dev.offshoot.error.OffshootException;
import dev.offshoot.postgres.BranchRoles;

/** Validation of the names users choose: branches and templates are DNS-label-like identifiers. */
public final class Names {

    private static final Pattern RESOURCE = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern SQL_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    private Names() {
    }

    /** Lowercase letters, digits and hyphens, 1 to 63 characters, not starting or ending with a hyphen. */
    public static String requireResourceName(String kind, String name) {
        if (name == null || name.isEmpty()) {
            throw OffshootException.invalid("INVALID_NAME", kind + " name is required");
        }
        if (name.length() > 63 || !RESOURCE.matcher(name).matches()) {
            throw OffshootException.invalid("INVALID_NAME", kind + " name '" + abbreviate(name)
                    + "' is invalid: use 1-63 lowercase letters, digits and hyphens, starting and ending"
                    + " with a letter or digit (e.g. pr-123-add-tags)");
        }
        return name;
    }

    /** A database or role name: lowercase, starting with a letter or underscore, at most 63 bytes. */
    public static String requireSqlIdentifier(String what, String name) {
        if (name.length() > 63 || !SQL_IDENTIFIER.matcher(name).matches()) {
            throw OffshootException.invalid("INVALID_NAME", what + " '" + abbreviate(name)
                    + "' is invalid: use 1-63 lowercase letters, digits and underscores, not starting with a digit");
        }
        if (name.startsWith("pg_") || name.equals("postgres") || name.equals(BranchRoles.READ_ONLY_ROLE)
                || name.equals(BranchRoles.READERS_GROUP) || name.startsWith(BranchRoles.TOKEN_READER_PREFIX)) {
            throw OffshootException.invalid("INVALID_NAME", what + " '" + name + "' is reserved");
        }
        return name;
    }

    private static String abbreviate(String name) {
        return name.length() <= 80 ? name : name.substring(0, 80) + "...";
    }
}
