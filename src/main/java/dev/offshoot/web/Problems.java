package dev.offshoot.web;

import java.net.URI;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** Builds the problem details every error of the API uses. */
public final class Problems {

    /** Request attribute carrying the problem code of a failed call, for the audit log. */
    public static final String CODE_ATTRIBUTE = "offshoot.problem.code";

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String code, String detail, boolean retryable) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://offshoot.dev/problems/" + code.toLowerCase().replace('_', '-')));
        problem.setProperty("code", code);
        problem.setProperty("retryable", retryable);
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(CODE_ATTRIBUTE, code, RequestAttributes.SCOPE_REQUEST);
        }
        return problem;
    }
}
