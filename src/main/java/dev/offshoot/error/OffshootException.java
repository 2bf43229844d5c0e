package dev.offshoot.error;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error any layer may throw: a stable machine-readable {@code code} (BRANCH_NOT_FOUND,
 * QUOTA_EXCEEDED, ...), a {@link Kind} that says what went wrong in the caller's terms, whether the
 * same request may succeed later, and extra properties for the answer. Only the web layer turns a
 * kind into an HTTP status (and MCP into a tool error); nothing below it knows about HTTP.
 */
public class OffshootException extends RuntimeException {

    /** What kind of error it is, independent of any protocol. */
    public enum Kind {
        /** The request is malformed or names something invalid. */
        INVALID,
        /** The caller is not authenticated. */
        UNAUTHENTICATED,
        /** The caller may not do this. */
        FORBIDDEN,
        /** What the request names does not exist (or the caller may not see it). */
        NOT_FOUND,
        /** The request conflicts with the current state (a name taken, a branch busy). */
        CONFLICT,
        /** The request's body is larger than this operation takes. */
        TOO_LARGE,
        /** The request's body is of a type this operation does not take. */
        UNSUPPORTED_MEDIA,
        /** The request is well-formed but cannot be carried out (a failing migration, a refused source). */
        UNPROCESSABLE,
        /** The caller made too many such requests; {@link #retryAfter()} says when to come back. */
        RATE_LIMITED,
        /** The operation is not implemented by this service. */
        NOT_IMPLEMENTED,
        /** Something Offshoot runs failed (a container, a build, storage). */
        FAILED,
        /** A system Offshoot depends on refused the call. */
        UPSTREAM_FAILED,
        /** A resource is momentarily unavailable or exhausted. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final String code;
    private final boolean retryable;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private Duration retryAfter;

    public OffshootException(Kind kind, String code, String detail) {
        this(kind, code, detail, false);
    }

    public OffshootException(Kind kind, String code, String detail, boolean retryable) {
        this(kind, code, detail, retryable, null);
    }

    public OffshootException(Kind kind, String code, String detail, boolean retryable, Throwable cause) {
        super(detail, cause);
        this.kind = kind;
        this.code = code;
        this.retryable = retryable;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }

    /** Extra properties of the answer (e.g. the failing migration); values must hold no secrets. */
    public Map<String, Object> properties() {
        return Collections.unmodifiableMap(properties);
    }

    public OffshootException with(String property, Object value) {
        properties.put(property, value);
        return this;
    }

    /** When to come back (whole seconds in an answer); null when the error names no time. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public OffshootException retryAfter(Duration wait) {
        this.retryAfter = wait;
        return this;
    }

    public static OffshootException invalid(String code, String detail) {
        return new OffshootException(Kind.INVALID, code, detail);
    }

    public static OffshootException notFound(String code, String detail) {
        return new OffshootException(Kind.NOT_FOUND, code, detail);
    }

    public static OffshootException conflict(String code, String detail) {
        return new OffshootException(Kind.CONFLICT, code, detail);
    }
}
