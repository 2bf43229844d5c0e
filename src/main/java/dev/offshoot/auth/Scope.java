package dev.offshoot.auth;

import java.util.Locale;

/**
 * What a token may do: read sees, write also changes branches and templates, approve also lets a
 * migration set through that failed its policy (a human's decision, not an agent's: write does not
 * imply it), admin also manages tokens and implies everything.
 */
public enum Scope {
    READ, WRITE, ADMIN, APPROVE;

    public static Scope parse(String value) {
        return Scope.valueOf(value.strip().toUpperCase(Locale.ROOT));
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
