package dev.offshoot;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.offshoot.auth.Principal;
import dev.offshoot.auth.TokenAuthentication;

/**
 * For unit tests that call services directly: each test runs as an admin token named "me", since
 * services refuse to work without an authenticated caller.
 */
public final class AsAdminCaller implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        SecurityContextHolder.getContext().setAuthentication(TokenAuthentication.authenticated(Principal.admin("me")));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        SecurityContextHolder.clearContext();
    }
}
