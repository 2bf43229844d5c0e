package dev.offshoot.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;
import org.springframework.data.relational.core.conversion.DbActionExecutionException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A momentarily exhausted resource answers 503 + Retry-After + retryable, never 500. */
class ProblemHandlerTest {

    @RestController
    static class Failing {
        private static final SQLTransientConnectionException POOL_TIMEOUT = new SQLTransientConnectionException(
                "HikariPool-1 - Connection is not available, request timed out after 5000ms");

        @GetMapping("/pool")
        String pool() {
            throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", POOL_TIMEOUT);
        }

        @GetMapping("/wrapped")
        String wrapped() {
            throw new DbActionExecutionException(null,
                    new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", POOL_TIMEOUT));
        }


        @GetMapping("/bug")
        String bug() {
            throw new IllegalStateException("a bug");
        }
    }

    final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Failing()).setControllerAdvice(new ProblemHandler())
            .build();

    @Test
    void poolTimeoutAnswers503WithRetryAfter() throws Exception {
        mvc.perform(get("/pool")).andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", String.valueOf(ProblemHandler.RETRY_AFTER_SECONDS)))
                .andExpect(jsonPath("$.code").value("METADATA_STORE_BUSY"))
                .andExpect(jsonPath("$.retryable").value(true));
    }

    @Test
    void poolTimeoutWrappedBySpringDataJdbcAnswers503() throws Exception {
        mvc.perform(get("/wrapped")).andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(jsonPath("$.code").value("METADATA_STORE_BUSY"));
    }

    @Test
    void theProblemTypeIsAboutBlankBesideTheStableCode() throws Exception {
        mvc.perform(get("/bug")).andExpect(jsonPath("$.type").value("about:blank"))
                .andExpect(jsonPath("$.title").value("Internal Server Error"))
                .andExpect(jsonPath("$.code").value("INTERNAL_ERROR"));
    }

    @Test
    void anUnexpectedErrorIsStillA500WithoutRetryAfter() throws Exception {
        mvc.perform(get("/bug")).andExpect(status().isInternalServerError())
                .andExpect(header().doesNotExist("Retry-After"))
                .andExpect(jsonPath("$.code").value("INTERNAL_ERROR"));
    }
}
