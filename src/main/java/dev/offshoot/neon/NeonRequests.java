package dev.offshoot.neon;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;

/**
 * Request bodies of Neon's API and what Offshoot does not do with them. A request that asks for
 * something Offshoot cannot do (point-in-time branching, schema-only or archived branches, a
 * read-only endpoint) is refused with a message saying so, rather than answered with something else.
 */
final class NeonRequests {

    static final int MAX_ANNOTATIONS = 50;
    static final int MAX_ANNOTATION_KEY = 100;
    static final int MAX_ANNOTATION_VALUE = 8192;

    /** Annotation keys Neon's create-branch action sets, and the Offshoot labels they become. */
    private static final Map<String, String> LABELS_FROM_ANNOTATIONS = Map.of(
            "github-commit-repo", "repo", "github-pr-number", "pr");

    private NeonRequests() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CreateBody(BranchSpec branch, List<EndpointSpec> endpoints, Map<String, String> annotationValue) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record BranchSpec(String name, String parentId, String parentLsn, String parentTimestamp,
            @JsonProperty("protected") Boolean isProtected, Boolean archived, String initSource, String expiresAt) {
    }

    /** @param suspendTimeoutSeconds Neon's: 0 or absent the default, -1 never, else seconds */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record EndpointSpec(String type, Long suspendTimeoutSeconds) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RestoreBody(String sourceBranchId, String sourceLsn, String sourceTimestamp, String preserveUnderName) {
    }

    /** The branch part of a create, refused where it asks for what Offshoot does not do. */
    static BranchSpec branchOf(CreateBody body) {
        BranchSpec spec = body == null || body.branch() == null
                ? new BranchSpec(null, null, null, null, null, null, null, null) : body.branch();
        if (present(spec.parentLsn()) || present(spec.parentTimestamp())) {
            throw notSupported("POINT_IN_TIME_NOT_SUPPORTED", "Offshoot branches from a parent's current state"
                    + " only: parent_lsn and parent_timestamp are not supported");
        }
        if (present(spec.initSource()) && !spec.initSource().equals("parent-data")) {
            throw notSupported("INIT_SOURCE_NOT_SUPPORTED", "init_source '" + spec.initSource()
                    + "' is not supported: a branch starts with its parent's schema and data (parent-data)");
        }
        if (Boolean.TRUE.equals(spec.archived())) {
            throw notSupported("ARCHIVE_NOT_SUPPORTED", "Offshoot has no archived branches");
        }
        List<EndpointSpec> endpoints = body == null || body.endpoints() == null ? List.of() : body.endpoints();
        if (endpoints.size() > 1 || endpoints.stream().anyMatch(e -> !"read_write".equals(e.type()))) {
            throw notSupported("ENDPOINT_NOT_SUPPORTED", "an Offshoot branch has exactly one endpoint, its own"
                    + " read-write Postgres server (its read-only role is reached through /api/v1)");
        }
        return spec;
    }

    /**
     * The branch's own idle suspension from its endpoint's {@code suspend_timeout_seconds}, as
     * Offshoot's API takes it: null for Neon's default (0 or absent: the template's or service's
     * setting applies), "0" (never) for -1, else seconds (checked like any idleSuspend).
     */
    static String idleSuspend(CreateBody body) {
        Long seconds = body == null || body.endpoints() == null ? null : body.endpoints().stream()
                .map(EndpointSpec::suspendTimeoutSeconds).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (seconds == null || seconds == 0) {
            return null;
        }
        if (seconds < -1) {
            throw OffshootException.invalid("INVALID_IDLE_SUSPEND", "suspend_timeout_seconds must be -1 (never), 0"
                    + " (the default) or a number of seconds");
        }
        return seconds == -1 ? "0" : seconds + "s";
    }

    /** An RFC 3339 timestamp; null when absent. */
    static Instant expiry(String expiresAt) {
        if (!present(expiresAt)) {
            return null;
        }
        try {
            return Instant.parse(expiresAt);
        } catch (DateTimeParseException e) {
            throw OffshootException.invalid("INVALID_EXPIRY", "expires_at '" + expiresAt
                    + "' is not an RFC 3339 timestamp such as 2025-06-09T18:02:16Z");
        }
    }

    /** The annotation as sent, within Neon's limits; empty when none was sent. */
    static Map<String, String> annotation(Map<String, String> value) {
        if (value == null) {
            return Map.of();
        }
        if (value.size() > MAX_ANNOTATIONS) {
            throw OffshootException.invalid("INVALID_ANNOTATION", "at most " + MAX_ANNOTATIONS + " annotation entries");
        }
        value.forEach((key, text) -> {
            if (key == null || key.isEmpty() || key.length() > MAX_ANNOTATION_KEY) {
                throw OffshootException.invalid("INVALID_ANNOTATION", "annotation keys have 1 to "
                        + MAX_ANNOTATION_KEY + " characters");
            }
            if (text == null || text.length() > MAX_ANNOTATION_VALUE) {
                throw OffshootException.invalid("INVALID_ANNOTATION", "annotation '" + key + "' needs a value of at"
                        + " most " + MAX_ANNOTATION_VALUE + " characters");
            }
        });
        return Map.copyOf(value);
    }

    /**
     * Offshoot labels of a branch made with this annotation: the repository and pull request that
     * Neon's create-branch action annotates become the {@code repo} and {@code pr} labels, so that
     * Offshoot's pull request webhook reaps the branch when its pull request closes.
     */
    static Map<String, String> labels(Map<String, String> annotation) {
        Map<String, String> labels = new LinkedHashMap<>();
        LABELS_FROM_ANNOTATIONS.forEach((key, label) -> {
            String value = annotation.get(key);
            if (value != null && !value.isBlank() && value.length() <= 255) {
                labels.put(label, value);
            }
        });
        return labels;
    }

    static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    static OffshootException notSupported(String code, String message) {
        return new OffshootException(Kind.INVALID, code, message);
    }
}
