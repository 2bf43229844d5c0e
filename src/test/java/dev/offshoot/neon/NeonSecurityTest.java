package dev.offshoot.neon;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.auth.Principal;
import dev.offshoot.auth.Scope;
import dev.offshoot.auth.TokenService;
import dev.offshoot.error.OffshootException;

/**
 * The Neon API's security rules and error shape without Docker: the real security chain and
 * error mapping around the branch controller, its collaborators mocked.
 */
@WebMvcTest(controllers = NeonBranchController.class, includeFilters = @ComponentScan.Filter(
        type = FilterType.REGEX, pattern = "dev\\.offshoot\\.auth\\.SecurityConfiguration"))
class NeonSecurityTest {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    TokenService tokens;
    @MockitoBean
    NeonProjects projects;
    @MockitoBean
    NeonBranches catalog;
    @MockitoBean
    NeonCommands commands;
    @MockitoBean
    NeonObjects objects;
    @MockitoBean
    AuditLog audit;

    @BeforeEach
    void tokens() {
        when(tokens.authenticate(anyString())).thenReturn(Optional.empty());
        when(tokens.authenticate("reader")).thenReturn(Optional.of(new Principal("reader-token",
                EnumSet.of(Scope.READ), Set.of(), null, null)));
    }

    @Test
    void withoutATokenNothingIsAnsweredAndNothingIsDone() throws Exception {
        mvc.perform(post("/api/v2/projects/p/branches").contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isUnauthorized()).andExpect(jsonPath("$.code").value("UNAUTHORIZED"));
        verifyNoInteractions(commands, projects, audit);
    }

    @Test
    void aReaderCannotCreateIsToldSoInNeonsShapeAndTheRefusalIsAudited() throws Exception {
        mvc.perform(post("/api/v2/projects/p/branches").header("Authorization", "Bearer reader")
                .contentType(MediaType.APPLICATION_JSON).content("{\"branch\": {\"name\": \"pr-1\"}}"))
                .andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.code").value("INSUFFICIENT_SCOPE"))
                .andExpect(jsonPath("$.message").value("this token lacks the write scope this call needs"))
                .andExpect(jsonPath("$.type").doesNotExist());
        verifyNoInteractions(commands);
        // refused before the handler ran: the target is the project of the path
        verify(audit).record("reader-token", "neon", "branch.create", "branch", "p", false, 403, "INSUFFICIENT_SCOPE");
    }

    @Test
    void offshootsErrorsKeepTheirStatusAndCodeUnderNeonsShape() throws Exception {
        when(projects.template(any())).thenThrow(OffshootException.notFound("PROJECT_NOT_FOUND", "no project 'x'"));
        mvc.perform(get("/api/v2/projects/x/branches").header("Authorization", "Bearer reader"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.code").value("PROJECT_NOT_FOUND"))
                .andExpect(jsonPath("$.message").value("no project 'x'"));
        mvc.perform(get("/api/v2/projects/x/snapshots").header("Authorization", "Bearer reader"))
                .andExpect(status().isNotFound()).andExpect(jsonPath("$.code").value("NOT_FOUND"))
                .andExpect(jsonPath("$.message").exists());
    }

    @Test
    void apiV1KeepsItsProblemDetails() throws Exception {
        mvc.perform(get("/api/v1/nothing-here").header("Authorization", "Bearer reader"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("NOT_FOUND")).andExpect(jsonPath("$.message").doesNotExist());
    }
}
