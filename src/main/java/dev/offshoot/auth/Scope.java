package dev.offshoot.auth;

import java.util.Locale;

/** What a token may do: read sees, write also changes branches and templates, admin also manages tokens. */
public enum Scope {
    READ, WRITE, ADMIN;

    public static Scope parse(String value) {
        return Scope.valueOf(value.strip().toUpperCase(Locale.ROOT));
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
