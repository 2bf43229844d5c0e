package dev.offshoot.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.RequestDispatcher;

import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

class ErrorPagesTest {

    final ErrorPages pages = new ErrorPages();

    @Test
    void theContainersErrorPageIsAProblemWithAStableCodeAndNoDetailsOfTheFailure() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 400);
        request.setAttribute(RequestDispatcher.ERROR_MESSAGE, "secret detail from deep inside");

        ResponseEntity<ProblemDetail> answer = pages.error(request);

        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(answer.getBody().getProperties()).containsEntry("code", "BAD_REQUEST")
                .containsEntry("retryable", false);
        assertThat(answer.getBody().getDetail()).doesNotContain("secret");
    }

    @Test
    void anErrorWithoutAStatusIsAnInternalError() {
        ResponseEntity<ProblemDetail> answer = pages.error(new MockHttpServletRequest("GET", "/error"));

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getBody().getProperties()).containsEntry("code", "INTERNAL_ERROR")
                .containsEntry("retryable", true);
    }
}
