package dev.offshoot.auth;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The caller of the work running on this thread, read from Spring Security's context: the token a
 * REST or MCP request authenticated with. With no authenticated caller, {@link #get()} refuses:
 * nothing falls back to an all-powerful identity. Offshoot's own background work (reaper,
 * reconciler, startup) that needs unlimited visibility says so with {@link #runAsSystem}, which
 * refuses to run on a thread that serves a request.
 */
public final class CurrentPrincipal {

    /** The name Offshoot's own background work is recorded under. */
    public static final String SYSTEM_NAME = "offshoot";

    /** Offshoot's own background work: no limits. Never reachable from a request. */
    private static final Principal SYSTEM = new Principal(SYSTEM_NAME, EnumSet.allOf(Scope.class), Set.of(), null,
            null);

    private CurrentPrincipal() {
    }

    /** The authenticated caller; throws when there is none (a bug: a path the security chain did not guard). */
    public static Principal get() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof TokenAuthentication token && token.isAuthenticated()) {
            return token.getPrincipal();
        }
        if (authentication instanceof SystemAuthentication) {
            return SYSTEM;
        }
        throw new IllegalStateException("no authenticated caller on this thread");
    }

    /** The current authentication, to hand to work that continues on another thread (MCP tool calls). */
    public static Authentication authentication() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof TokenAuthentication token && token.isAuthenticated() ? token : null;
    }

    /**
     * Runs work as a caller authenticated on another thread (the MCP SDK may run a tool on a thread
     * other than the request's). Only a token authentication is accepted: this cannot become system.
     */
    public static <T> T callAs(Authentication caller, Supplier<T> work) {
        if (!(caller instanceof TokenAuthentication token) || !token.isAuthenticated()) {
            throw new IllegalArgumentException("not an authenticated token");
        }
        return within(caller, work);
    }

    /** Runs Offshoot's own background work without limits; refused on a thread serving a request. */
    public static <T> T runAsSystem(Supplier<T> work) {
        if (RequestContextHolder.getRequestAttributes() != null
                || SecurityContextHolder.getContext().getAuthentication() instanceof TokenAuthentication) {
            throw new IllegalStateException("system identity requested while serving a caller");
        }
        return within(new SystemAuthentication(), work);
    }

    private static <T> T within(Authentication authentication, Supplier<T> work) {
        SecurityContext previous = SecurityContextHolder.getContext();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        SecurityContextHolder.setContext(context);
        try {
            return work.get();
        } finally {
            SecurityContextHolder.setContext(previous);
        }
    }

    /** Offshoot itself; has no authorities, so no security rule ever grants it a request. */
    private static final class SystemAuthentication extends AbstractAuthenticationToken {

        SystemAuthentication() {
            super(java.util.List.of());
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return null;
        }

        @Override
        public Object getPrincipal() {
            return SYSTEM.name();
        }
    }
}
