package dev.offshoot.neon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.error.OffshootException;

class NeonRequestsTest {

    static NeonRequests.CreateBody body(String json) {
        return JsonMapper.shared().readValue(json, NeonRequests.CreateBody.class);
    }

    static String code(Runnable call) {
        try {
            call.run();
        } catch (OffshootException e) {
            return e.code();
        }
        return null;
    }

    @Test
    void anEndpointsSuspendTimeoutIsTheBranchsOwnIdleSuspension() {
        assertThat(NeonRequests.idleSuspend(body("{\"endpoints\": [{\"type\": \"read_write\","
                + " \"suspend_timeout_seconds\": 600}]}"))).isEqualTo("600s");
        assertThat(NeonRequests.idleSuspend(body("{\"endpoints\": [{\"type\": \"read_write\","
                + " \"suspend_timeout_seconds\": -1}]}"))).as("never").isEqualTo("0");
        assertThat(NeonRequests.idleSuspend(body("{\"endpoints\": [{\"type\": \"read_write\"}]}"))).isNull();
        assertThat(NeonRequests.idleSuspend(null)).isNull();
        assertThatThrownBy(() -> NeonRequests.idleSuspend(body("{\"endpoints\": [{\"type\": \"read_write\","
                + " \"suspend_timeout_seconds\": -5}]}"))).isInstanceOfSatisfying(OffshootException.class,
                        e -> assertThat(e.code()).isEqualTo("INVALID_IDLE_SUSPEND"));
    }

    @Test
    void neonctlsAndTheCreateActionsBodiesAreRead() {
        NeonRequests.CreateBody body = body("""
                {"branch": {"name": "pr-1", "parent_id": "br-a-b-12345678", "protected": true,
                 "expires_at": "2030-01-01T00:00:00Z"},
                 "endpoints": [{"type": "read_write", "suspend_timeout_seconds": 0}],
                 "annotation_value": {"github-commit-repo": "acme/shop", "github-pr-number": "7"}}""");
        NeonRequests.BranchSpec spec = NeonRequests.branchOf(body);
        assertThat(spec.name()).isEqualTo("pr-1");
        assertThat(spec.parentId()).isEqualTo("br-a-b-12345678");
        assertThat(spec.isProtected()).isTrue();
        assertThat(NeonRequests.expiry(spec.expiresAt())).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(NeonRequests.labels(NeonRequests.annotation(body.annotationValue())))
                .isEqualTo(Map.of("repo", "acme/shop", "pr", "7"));
        assertThat(NeonRequests.idleSuspend(body)).as("0 is Neon's default").isNull();
        assertThat(NeonRequests.branchOf(null).name()).as("a create without a body").isNull();
        assertThat(NeonRequests.branchOf(body("{\"endpoints\": []}")).name()).isNull();
    }

    @Test
    void whatOffshootCannotDoIsRefusedNotIgnored() {
        assertThat(code(() -> NeonRequests.branchOf(body("{\"branch\": {\"parent_lsn\": \"0/16B3748\"}}"))))
                .isEqualTo("POINT_IN_TIME_NOT_SUPPORTED");
        assertThat(code(() -> NeonRequests.branchOf(body("{\"branch\": {\"parent_timestamp\": \"2024-01-01T00:00:00Z\"}}"))))
                .isEqualTo("POINT_IN_TIME_NOT_SUPPORTED");
        assertThat(code(() -> NeonRequests.branchOf(body("{\"branch\": {\"init_source\": \"schema-only\"}}"))))
                .isEqualTo("INIT_SOURCE_NOT_SUPPORTED");
        assertThat(code(() -> NeonRequests.branchOf(body("{\"branch\": {\"archived\": true}}"))))
                .isEqualTo("ARCHIVE_NOT_SUPPORTED");
        assertThat(code(() -> NeonRequests.branchOf(body("{\"endpoints\": [{\"type\": \"read_only\"}]}"))))
                .isEqualTo("ENDPOINT_NOT_SUPPORTED");
        assertThat(code(() -> NeonRequests.branchOf(body(
                "{\"endpoints\": [{\"type\": \"read_write\"}, {\"type\": \"read_write\"}]}"))))
                .isEqualTo("ENDPOINT_NOT_SUPPORTED");
        assertThat(code(() -> NeonRequests.expiry("tomorrow"))).isEqualTo("INVALID_EXPIRY");
    }

    @Test
    void anAnnotationIsKeptWhole() {
        Map<String, String> long8k = Map.of("github-commit-message", "x".repeat(NeonRequests.MAX_ANNOTATION_VALUE));
        assertThat(NeonRequests.annotation(long8k)).isEqualTo(long8k);
        assertThat(code(() -> NeonRequests.annotation(Map.of("m", "x".repeat(NeonRequests.MAX_ANNOTATION_VALUE + 1)))))
                .isEqualTo("INVALID_ANNOTATION");
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= NeonRequests.MAX_ANNOTATIONS; i++) {
            many.put("k" + i, "v");
        }
        assertThat(code(() -> NeonRequests.annotation(many))).isEqualTo("INVALID_ANNOTATION");
        assertThat(NeonRequests.labels(Map.of("github-commit-repo", "r".repeat(256))))
                .as("too long for a label: kept in the annotation only").isEmpty();
        assertThat(NeonRequests.labels(Map.of("other", "x"))).isEmpty();
    }
}
