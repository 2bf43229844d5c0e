package dev.offshoot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import dev.offshoot.auth.Principal;
import dev.offshoot.auth.Scope;
import dev.offshoot.auth.Scopes;
import dev.offshoot.auth.TokenService;
import dev.offshoot.config.RequestProperties;

/**
 * The body gate without Docker: scope, multipart and announced length are judged from the matched
 * handler before the handler (and its argument resolution, which reads the body) runs.
 */
@WebMvcTest(controllers = BodyGateTest.Probe.class, properties = "offshoot.requests.max-body-size=1KB")
@Import({BodyGateTest.Probe.class, RequestBodies.class, ProblemHandler.class})
@EnableConfigurationProperties(RequestProperties.class)
class BodyGateTest {

    /** The service's own security chain and method security (a package-private configuration). */
    @TestConfiguration
    @ComponentScan(basePackages = "dev.offshoot.auth", useDefaultFilters = false, includeFilters = @ComponentScan.Filter(
            type = FilterType.REGEX, pattern = "dev\\.offshoot\\.auth\\.SecurityConfiguration"))
    static class Security {
    }

    static final AtomicInteger CALLS = new AtomicInteger();

    @Autowired
    MockMvc mvc;

    @MockitoBean
    TokenService tokens;

    @RestController
    @PreAuthorize(Scopes.READ)
    static class Probe {

        @PreAuthorize(Scopes.WRITE)
        @PostMapping(path = "/api/v1/probe/upload", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
        String upload(@RequestPart("file") List<MultipartFile> files) {
            CALLS.incrementAndGet();
            return "uploaded " + files.size();
        }

        @PostMapping(path = "/api/v1/probe/json")
        String json(@RequestBody(required = false) String body) {
            CALLS.incrementAndGet();
            return "read " + (body == null ? 0 : body.length());
        }
    }

    @BeforeEach
    void tokens() {
        CALLS.set(0);
        when(tokens.authenticate(anyString())).thenReturn(Optional.empty());
        when(tokens.authenticate("reader")).thenReturn(Optional.of(principal(Scope.READ)));
        when(tokens.authenticate("writer")).thenReturn(Optional.of(principal(Scope.WRITE)));
    }

    @Test
    void aReadersUploadToAWriteHandlerIsRefusedForItsScopeBeforeTheHandlerRuns() throws Exception {
        mvc.perform(upload("reader")).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("INSUFFICIENT_SCOPE"))
                .andExpect(jsonPath("$.detail").value("this token lacks the write scope this call needs"));
        mvc.perform(upload("writer")).andExpect(status().isOk());

        assertThat(CALLS.get()).isEqualTo(1);
    }

    @Test
    void aMultipartBodyToAHandlerThatTakesNoUploadIsRefusedUnread() throws Exception {
        mvc.perform(multipart("/api/v1/probe/json").file(new MockMultipartFile("file", "a.sql", null, new byte[10]))
                .header("Authorization", "Bearer writer")).andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.code").value("UNSUPPORTED_MEDIA_TYPE"));

        assertThat(CALLS.get()).isZero();
    }

    @Test
    void anAnnouncedBodyOverTheHandlersLimitIsRefusedUnread() throws Exception {
        mvc.perform(json(2048)).andExpect(status().isPayloadTooLarge())
                .andExpect(jsonPath("$.code").value("PAYLOAD_TOO_LARGE"))
                .andExpect(jsonPath("$.detail").value("the request body exceeds the 1024 bytes this endpoint takes"
                        + " (offshoot.requests.max-body-size)"));
        mvc.perform(json(1000)).andExpect(status().isOk());

        assertThat(CALLS.get()).isEqualTo(1);
    }

    private static MockMultipartHttpServletRequestBuilder upload(String token) {
        return multipart("/api/v1/probe/upload").file(new MockMultipartFile("file", "a.sql", null, new byte[10]))
                .header("Authorization", "Bearer " + token);
    }

    private static MockHttpServletRequestBuilder json(int length) {
        return post("/api/v1/probe/json").header("Authorization", "Bearer writer")
                .contentType(MediaType.TEXT_PLAIN).content("x".repeat(length));
    }

    private static Principal principal(Scope scope) {
        return new Principal(scope.wire() + "-token", EnumSet.of(scope), Set.of(), null, null);
    }
}
