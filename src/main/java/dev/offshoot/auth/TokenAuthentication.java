package dev.offshoot.auth;

import java.util.Collection;
import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A bearer token, before authentication (only the presented secret) or after it (the caller's
 * {@link Principal}, with one {@code SCOPE_<scope>} authority per granted scope). The secret is
 * dropped once the token is authenticated and never appears in {@link #toString()}.
 */
public final class TokenAuthentication extends AbstractAuthenticationToken {

    private final transient Principal principal;
    private String secret;

    private TokenAuthentication(String secret, Principal principal, Collection<? extends GrantedAuthority> authorities) {
        super(authorities);
        this.secret = secret;
        this.principal = principal;
        setAuthenticated(principal != null);
    }

    static TokenAuthentication presented(String secret) {
        return new TokenAuthentication(secret, null, List.of());
    }

    /** An authenticated caller: the bearer filter makes one after checking a secret; tests make them directly. */
    public static TokenAuthentication authenticated(Principal principal) {
        return new TokenAuthentication(null, principal, authorities(principal));
    }

    /** The authority a scope grants, as method security and the role hierarchy spell it. */
    public static String authority(Scope scope) {
        return "SCOPE_" + scope.wire();
    }

    private static List<GrantedAuthority> authorities(Principal principal) {
        return principal.scopes().stream().map(s -> (GrantedAuthority) new SimpleGrantedAuthority(authority(s)))
                .toList();
    }

    @Override
    public Object getCredentials() {
        return secret;
    }

    @Override
    public Principal getPrincipal() {
        return principal;
    }

    @Override
    public String getName() {
        return principal == null ? "" : principal.name();
    }

    @Override
    public void eraseCredentials() {
        secret = null;
        super.eraseCredentials();
    }

    @Override
    public String toString() {
        return "TokenAuthentication[" + getName() + ", " + getAuthorities() + "]";
    }
}
