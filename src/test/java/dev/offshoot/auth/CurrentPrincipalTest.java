package dev.offshoot.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

class CurrentPrincipalTest {

    static final Principal READER = new Principal("r", EnumSet.of(Scope.READ), Set.of("main"), null, null);

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
        RequestContextHolder.resetRequestAttributes();
    }

    @Test
    void withoutAnAuthenticatedCallerThereIsNoPrincipalAtAll() {
        assertThatThrownBy(CurrentPrincipal::get).isInstanceOf(IllegalStateException.class);

        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("x", "y", "SCOPE_admin"));
        assertThatThrownBy(CurrentPrincipal::get).as("only a bearer token is a caller")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theCallerIsTheAuthenticatedTokenAndCarriesOverToAnotherThread() throws Exception {
        TokenAuthentication token = TokenAuthentication.authenticated(READER);
        SecurityContextHolder.getContext().setAuthentication(token);

        assertThat(CurrentPrincipal.get()).isEqualTo(READER);
        assertThat(token.getAuthorities()).extracting(a -> a.getAuthority()).containsExactly("SCOPE_read");
        Principal[] seen = new Principal[1];
        Thread other = Thread.ofVirtual().start(() -> seen[0] = CurrentPrincipal.callAs(token, CurrentPrincipal::get));
        other.join();
        assertThat(seen[0]).isEqualTo(READER);
    }

    @Test
    void systemWorkRunsWithoutLimitsButNeverWhileServingARequest() {
        assertThat(CurrentPrincipal.runAsSystem(() -> CurrentPrincipal.get().unlimited())).isTrue();
        assertThatThrownBy(CurrentPrincipal::get).as("system ends with the work").isInstanceOf(IllegalStateException.class);

        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(new MockHttpServletRequest()));
        assertThatThrownBy(() -> CurrentPrincipal.runAsSystem(() -> "escalated"))
                .isInstanceOf(IllegalStateException.class);
        RequestContextHolder.resetRequestAttributes();
        SecurityContextHolder.getContext().setAuthentication(TokenAuthentication.authenticated(READER));
        assertThatThrownBy(() -> CurrentPrincipal.runAsSystem(() -> "escalated"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void callAsAcceptsOnlyAnAuthenticatedToken() {
        assertThatThrownBy(() -> CurrentPrincipal.callAs(TokenAuthentication.presented("osh_x"), () -> "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CurrentPrincipal.callAs(new TestingAuthenticationToken("x", "y", "SCOPE_admin"),
                () -> "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTokenNeverShowsItsSecret() {
        TokenAuthentication presented = TokenAuthentication.presented("osh_secret");

        assertThat(presented.toString()).doesNotContain("osh_secret");
        assertThat(presented.isAuthenticated()).isFalse();
    }
}
