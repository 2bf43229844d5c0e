package dev.offshoot.web;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;

/** An error with a stable machine-readable code, turned into RFC 9457 problem details. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final boolean retryable;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private Duration retryAfter;

    public ApiException(HttpStatus status, String code, String detail) {
        this(status, code, detail, false);
    }

    public ApiException(HttpStatus status, String code, String detail, boolean retryable) {
        super(detail);
        this.status = status;
        this.code = code;
        this.retryable = retryable;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }

    /** Extra problem-detail properties (e.g. the failing migration); values must hold no secrets. */
    public Map<String, Object> properties() {
        return Collections.unmodifiableMap(properties);
    }

    public ApiException with(String property, Object value) {
        properties.put(property, value);
        return this;
    }

    /** When to come back, sent as Retry-After (whole seconds); null when the answer names no time. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public ApiException retryAfter(Duration wait) {
        this.retryAfter = wait;
        return this;
    }

    public static ApiException badRequest(String code, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, code, detail);
    }

    public static ApiException notFound(String code, String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, code, detail);
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(HttpStatus.CONFLICT, code, detail);
    }
}
