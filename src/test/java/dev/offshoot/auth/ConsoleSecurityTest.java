package dev.offshoot.auth;

import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.Optional;

import jakarta.servlet.http.Cookie;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The console's files are open, locked down by headers; its data needs a bearer token like any client. */
@WebMvcTest(controllers = TokenController.class)
@Import(SecurityConfiguration.class)
class ConsoleSecurityTest {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    TokenService tokens;

    @BeforeEach
    void noTokenIsValid() {
        when(tokens.authenticate(anyString())).thenReturn(Optional.empty());
    }

    @Test
    void consolePageNeedsNoTokenAndForbidsInlineScriptAndFraming() throws Exception {
        mvc.perform(get("/")).andExpect(status().isOk()).andExpect(forwardedUrl("index.html"));
        mvc.perform(get("/index.html"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("Offshoot console")))
                .andExpect(header().string("Content-Security-Policy", containsString("default-src 'self'")))
                .andExpect(header().string("Content-Security-Policy", containsString("script-src 'self';")))
                .andExpect(header().string("Content-Security-Policy", containsString("frame-ancestors 'none'")))
                .andExpect(header().string("X-Frame-Options", "DENY"))
                .andExpect(header().string("Referrer-Policy", "no-referrer"));
        mvc.perform(get("/console/app.js")).andExpect(status().isOk());
    }

    @Test
    void consoleFilesAcceptOnlyGet() throws Exception {
        mvc.perform(post("/console/app.js")).andExpect(status().isUnauthorized());
        mvc.perform(post("/")).andExpect(status().isUnauthorized());
    }

    @Test
    void crossSiteRequestWithCookiesButNoBearerIsRefused() throws Exception {
        // the console sets no cookie; a forged request from another site can carry only cookies
        mvc.perform(delete("/api/v1/branches/anything").cookie(new Cookie("JSESSIONID", "stolen"))
                .header("Origin", "https://evil.example"))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void nothingOutsideTheConsoleFilesIsServedWithoutAToken() throws Exception {
        mvc.perform(get("/application.yml")).andExpect(status().isUnauthorized());
        mvc.perform(get("/consolex/app.js")).andExpect(status().isUnauthorized());
    }
}
