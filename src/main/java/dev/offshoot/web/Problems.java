package dev.offshoot.web;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

import tools.jackson.databind.json.JsonMapper;

/** Builds the problem details every error of the API uses. */
public final class Problems {

    /** Request attribute carrying the problem code of a failed call, for the audit log. */
    public static final String CODE_ATTRIBUTE = "offshoot.problem.code";

    /**
     * Every problem's {@code type}: no page of its own to resolve to; the {@code code} member is the
     * stable identifier, and docs/api.md#errors lists the codes.
     */
    static final URI ABOUT_BLANK = URI.create("about:blank");

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String code, String detail, boolean retryable) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        // about:blank (RFC 9457 4.2.1): the status says what kind of failure it is, the stable code which one
        problem.setType(ABOUT_BLANK);
        problem.setProperty("code", code);
        problem.setProperty("retryable", retryable);
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(CODE_ATTRIBUTE, code, RequestAttributes.SCOPE_REQUEST);
        }
        return problem;
    }

    /**
     * Writes a problem document straight to a servlet response, for refusals made before Spring
     * MVC runs (the security chain, the firewall, the servlet container's own error pages).
     */
    public static void write(HttpServletResponse response, HttpStatus status, String code, String detail)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", ABOUT_BLANK.toString());
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("code", code);
        body.put("retryable", false);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(JsonMapper.shared().writeValueAsBytes(body));
        response.flushBuffer();
    }
}
