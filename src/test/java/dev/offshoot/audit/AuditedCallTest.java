package dev.offshoot.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The audit event comes from the matched route and its decoded variables, never from the raw path. */
class AuditedCallTest {

    @Test
    void changesAreNamedAfterTheRouteTheirHandlerAnswers() {
        assertThat(AuditedCall.of("DELETE", "/api/v1/branches/{name}", Map.of("name", "pr-1")))
                .contains(new AuditedCall("branch", "branch.delete", "pr-1"));
        assertThat(AuditedCall.of("POST", "/api/v1/tokens", Map.of()))
                .contains(new AuditedCall("token", "token.create", null));
        assertThat(AuditedCall.of("POST", "/api/v1/branches/{name}/migrations/check", Map.of("name", "b")))
                .contains(new AuditedCall("branch", "branch.migrations.check", "b"));
        assertThat(AuditedCall.of("PUT", "/api/v1/templates/{name}/policy", Map.of("name", "main")))
                .contains(new AuditedCall("template", "template.update", "main"));
        assertThat(AuditedCall.of("PATCH", "/api/v1/templates/{name}", Map.of("name", "main")))
                .contains(new AuditedCall("template", "template.update", "main"));
        assertThat(AuditedCall.of("POST", "/api/v1/branches/{name}/reveal", Map.of("name", "b")))
                .contains(new AuditedCall("branch", "branch.reveal", "b"));
    }

    @Test
    void aRoutesLaterVariablesNameNoActionAndADeleteBelowABranchIsNoBranchDelete() {
        Map<String, String> variables = Map.of("name", "b", "id", "0b6f2c1e-0000-4000-8000-000000000000");
        assertThat(AuditedCall.of("POST", "/api/v1/branches/{name}/tunings/{id}/complete", variables))
                .contains(new AuditedCall("branch", "branch.tunings.complete", "b"));
        assertThat(AuditedCall.of("DELETE", "/api/v1/branches/{name}/tunings/{id}", variables))
                .contains(new AuditedCall("branch", "branch.tunings.delete", "b"));
        assertThat(AuditedCall.of("POST", "/api/v1/branches/{name}/tunings", variables))
                .contains(new AuditedCall("branch", "branch.tunings", "b"));
    }

    @Test
    void readsOtherFeaturesAndUnmatchedCallsAreNoChanges() {
        assertThat(AuditedCall.of("GET", "/api/v1/branches/{name}", Map.of("name", "b"))).isEmpty();
        assertThat(AuditedCall.of("HEAD", "/api/v1/tokens", Map.of())).isEmpty();
        assertThat(AuditedCall.of("POST", "/api/v1/webhooks/github", Map.of())).isEmpty();
        assertThat(AuditedCall.of("POST", "/**", Map.of())).isEmpty();
        assertThat(AuditedCall.of("DELETE", null, Map.of())).isEqualTo(Optional.empty());
    }
}
