package dev.offshoot.auth;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.URI;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The security chain and method security without Docker: a probe controller and the token controller. */
@WebMvcTest(controllers = TokenController.class)
@Import({SecurityConfiguration.class, SecurityRulesTest.Probe.class})
class SecurityRulesTest {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    TokenService tokens;

    @RestController
    @PreAuthorize(Scopes.READ)
    static class Probe {

        @GetMapping("/api/v1/probe")
        String read() {
            return "read";
        }

        @PreAuthorize(Scopes.WRITE)
        @PostMapping("/api/v1/probe")
        String write() {
            return "write";
        }
    }

    @BeforeEach
    void tokens() {
        when(tokens.authenticate(anyString())).thenReturn(Optional.empty());
        when(tokens.authenticate("reader")).thenReturn(Optional.of(principal(Scope.READ)));
        when(tokens.authenticate("writer")).thenReturn(Optional.of(principal(Scope.WRITE)));
    }

    @Test
    void noTokenOrAWrongOneIs401WithABearerChallenge() throws Exception {
        problem(mvc.perform(get("/api/v1/probe")), 401, "UNAUTHORIZED")
                .andExpect(header().string("WWW-Authenticate", "Bearer"));
        problem(mvc.perform(get("/api/v1/probe").header("Authorization", "Bearer nope")), 401, "UNAUTHORIZED")
                .andExpect(jsonPath("$.detail").value("invalid, expired or revoked bearer token"));
        problem(mvc.perform(get("/api/v1/probe").header("Authorization", "Basic cmVhZGVyOng=")), 401, "UNAUTHORIZED");
    }

    @Test
    void eachOperationDeclaresItsScopeAndWriteImpliesRead() throws Exception {
        mvc.perform(get("/api/v1/probe").header("Authorization", "Bearer reader")).andExpect(status().isOk());
        mvc.perform(get("/api/v1/probe").header("Authorization", "Bearer writer")).andExpect(status().isOk());
        mvc.perform(post("/api/v1/probe").header("Authorization", "Bearer writer")).andExpect(status().isOk());
        problem(mvc.perform(post("/api/v1/probe").header("Authorization", "Bearer reader")), 403,
                "INSUFFICIENT_SCOPE").andExpect(jsonPath("$.detail").value("this token lacks the write scope this call needs"));
        problem(mvc.perform(get("/api/v1/tokens").header("Authorization", "Bearer writer")), 403, "INSUFFICIENT_SCOPE");
    }

    @Test
    void pathsOutsideTheRulesAreDeniedToEveryone() throws Exception {
        problem(mvc.perform(get("/internal/anything")), 401, "UNAUTHORIZED");
        problem(mvc.perform(get("/internal/anything").header("Authorization", "Bearer writer")), 403, "FORBIDDEN");
        problem(mvc.perform(get("/error").header("Authorization", "Bearer writer")), 403, "FORBIDDEN");
    }

    @Test
    void matrixParametersAndEncodedSlashesAreRejectedByTheFirewall() throws Exception {
        problem(mvc.perform(post(URI.create("/api;x/v1/tokens")).contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"x\",\"scopes\":[\"admin\"]}")), 400, "REQUEST_REJECTED");
        problem(mvc.perform(get(URI.create("/api/v1/%2e%2e/v1/probe"))), 400, "REQUEST_REJECTED");
        problem(mvc.perform(get(URI.create("/api/v1/webhooks/..%2Fprobe"))), 400, "REQUEST_REJECTED");
    }

    private static ResultActions problem(ResultActions result, int status, String code) throws Exception {
        return result.andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value(code))
                .andExpect(jsonPath("$.retryable").value(false));
    }

    private static Principal principal(Scope scope) {
        return new Principal(scope.wire() + "-token", EnumSet.of(scope), Set.of(), null, null);
    }
}
