package dev.offshoot.web;

import java.net.URI;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the problem details every error of the API uses. */
public final class Problems {

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String code, String detail, boolean retryable) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://offshoot.dev/problems/" + code.toLowerCase().replace('_', '-')));
        problem.setProperty("code", code);
        problem.setProperty("retryable", retryable);
        return problem;
    }
}
