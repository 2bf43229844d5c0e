package dev.offshoot.auth;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

/** Turns a presented bearer secret into the caller it stands for: the admin token or a live issued token. */
final class TokenAuthenticationProvider implements AuthenticationProvider {

    private final TokenService tokens;

    TokenAuthenticationProvider(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String secret = (String) authentication.getCredentials();
        return tokens.authenticate(secret).map(TokenAuthentication::authenticated)
                .orElseThrow(() -> new BadCredentialsException("invalid, expired or revoked bearer token"));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return TokenAuthentication.class.isAssignableFrom(authentication);
    }
}
