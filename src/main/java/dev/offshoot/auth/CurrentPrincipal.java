package dev.offshoot.auth;

import java.util.function.Supplier;

/**
 * The caller of the work running on this thread. Set by the bearer filter for REST calls and by
 * the MCP tool adapter for tool calls; work started by Offshoot itself runs as {@link Principal#SYSTEM}.
 */
public final class CurrentPrincipal {

    private static final ThreadLocal<Principal> CURRENT = new ThreadLocal<>();

    private CurrentPrincipal() {
    }

    public static Principal get() {
        Principal principal = CURRENT.get();
        return principal == null ? Principal.SYSTEM : principal;
    }

    public static <T> T runAs(Principal principal, Supplier<T> work) {
        Principal previous = CURRENT.get();
        CURRENT.set(principal);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
