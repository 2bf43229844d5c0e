package dev.offshoot.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import tools.jackson.databind.JsonNode;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenIT extends IntegrationTest {

    @LocalServerPort
    int port;

    Api admin;
    String allowed;
    String other;

    @BeforeAll
    void templates() {
        admin = new Api(port, ADMIN_TOKEN);
        allowed = "tok-a-" + suffix();
        other = "tok-b-" + suffix();
        assertThat(admin.post("/api/v1/templates", Map.of("name", allowed)).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/templates", Map.of("name", other)).status()).isEqualTo(201);
    }

    @Test
    void theSecretIsShownOnceAndRevokingItEndsAccess() {
        String name = "ci-" + suffix();
        Api.Response issued = admin.post("/api/v1/tokens", Map.of("name", name, "scopes", List.of("read", "write")));
        String secret = issued.body().get("token").asString();

        assertThat(issued.status()).isEqualTo(201);
        assertThat(new Api(port, secret).get("/api/v1/templates").status()).isEqualTo(200);
        JsonNode listed = admin.get("/api/v1/tokens").body().get("items");
        assertThat(listed.toString()).doesNotContain(secret);
        assertThat(listed).filteredOn(t -> t.get("name").asString().equals(name)).singleElement()
                .satisfies(t -> assertThat(secret).startsWith(t.get("prefix").asString()));

        assertThat(admin.delete("/api/v1/tokens/" + name).status()).isEqualTo(204);
        Api.Response afterRevoke = new Api(port, secret).get("/api/v1/templates");
        assertThat(afterRevoke.status()).isEqualTo(401);
        assertThat(afterRevoke.headers().getFirst("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @Test
    void scopesDecideWhatATokenMayDo() {
        Api reader = new Api(port, issue(List.of("read"), null, null));
        Api writer = new Api(port, issue(List.of("write"), null, null));

        Api.Response readerWrites = reader.post("/api/v1/branches", Map.of("name", "r-" + suffix(), "template", allowed));
        Api.Response writerAdministers = writer.get("/api/v1/tokens");

        assertThat(reader.get("/api/v1/branches").status()).isEqualTo(200);
        assertThat(readerWrites.status()).isEqualTo(403);
        assertThat(readerWrites.code()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(writerAdministers.status()).isEqualTo(403);
        assertThat(writer.get("/api/v1/audit").status()).isEqualTo(403);
    }

    @Test
    void aLimitedTokenSeesAndTouchesOnlyWhatItsLimitsAllow() {
        String visibleToAll = "all-" + suffix();
        admin.post("/api/v1/branches", Map.of("name", visibleToAll, "template", allowed));
        Api limited = new Api(port, issue(List.of("write"), List.of(allowed), Map.of("team", "payments")));
        String mine = "mine-" + suffix();

        Api.Response created = limited.post("/api/v1/branches", Map.of("name", mine, "template", allowed));
        Api.Response wrongTemplate = limited.post("/api/v1/branches", Map.of("name", "x-" + suffix(), "template", other));
        Api.Response wrongLabel = limited.post("/api/v1/branches", Map.of("name", "y-" + suffix(), "template", allowed,
                "labels", Map.of("team", "search")));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("labels").get("team").asString()).isEqualTo("payments");
        assertThat(wrongTemplate.code()).isEqualTo("TEMPLATE_NOT_FOUND");
        assertThat(wrongLabel.code()).isEqualTo("LABEL_NOT_ALLOWED");
        assertThat(limited.get("/api/v1/templates").body().get("items")).extracting(t -> t.get("name").asString())
                .containsExactly(allowed);
        assertThat(limited.get("/api/v1/branches").body().get("items")).extracting(b -> b.get("name").asString())
                .containsExactly(mine);
        assertThat(limited.get("/api/v1/branches/" + visibleToAll).code()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(limited.delete("/api/v1/branches/" + visibleToAll).status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/branches/" + visibleToAll).status()).isEqualTo(200);
    }

    @Test
    void everyChangeIsAuditedWithWhoWhatAndOutcome() {
        String tokenName = "auditor-" + suffix();
        String secret = admin.post("/api/v1/tokens", Map.of("name", tokenName, "scopes", List.of("write")))
                .body().get("token").asString();
        Api writer = new Api(port, secret);
        String branch = "aud-" + suffix();
        writer.post("/api/v1/branches", Map.of("name", branch, "template", allowed));
        writer.delete("/api/v1/branches/" + branch);
        writer.delete("/api/v1/branches/" + branch);

        JsonNode events = admin.get("/api/v1/audit?actor=" + tokenName).body().get("items");

        assertThat(events).extracting(e -> e.get("action").asString() + " " + e.get("target").asString() + " "
                + e.get("outcome").asString()).containsExactly(
                        "branch.delete " + branch + " failure",
                        "branch.delete " + branch + " success",
                        "branch.create " + branch + " success");
        assertThat(events.get(0).get("detail").asString()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(admin.get("/api/v1/audit?actor=" + tokenName + "&outcome=failure").body().get("items")).hasSize(1);
        assertThat(events.toString()).doesNotContain(secret);
    }

    @Test
    void theNamesTheServiceRecordsAsItselfAreRefusedForTokens() {
        for (String reserved : List.of("admin", "reaper", "offshoot", "system")) {
            Api.Response issued = admin.post("/api/v1/tokens", Map.of("name", reserved, "scopes", List.of("read")));

            assertThat(issued.status()).as(reserved).isEqualTo(400);
            assertThat(issued.code()).isEqualTo("RESERVED_NAME");
        }
        assertThat(admin.get("/api/v1/tokens").body().get("items")).extracting(t -> t.get("name").asString())
                .doesNotContain("admin", "reaper", "offshoot", "system");
    }

    /** An admin token that expires in an hour may neither mint nor revoke one that outlives it. */
    @Test
    void anExpiringAdminCannotRevokeATokenThatOutlivesIt() {
        Instant inAnHour = Instant.now().plus(Duration.ofHours(1));
        Api shortAdmin = new Api(port, admin.post("/api/v1/tokens", Map.of("name", "short-" + suffix(), "scopes",
                List.of("admin"), "expiresAt", inAnHour.toString())).body().get("token").asString());
        String permanent = "perm-" + suffix();
        String permanentSecret = admin.post("/api/v1/tokens", Map.of("name", permanent, "scopes", List.of("read")))
                .body().get("token").asString();
        String sooner = "sooner-" + suffix();
        admin.post("/api/v1/tokens", Map.of("name", sooner, "scopes", List.of("read"), "expiresAt",
                inAnHour.minus(Duration.ofMinutes(10)).toString()));

        Api.Response revokePermanent = shortAdmin.delete("/api/v1/tokens/" + permanent);
        Api.Response revokeSooner = shortAdmin.delete("/api/v1/tokens/" + sooner);

        assertThat(revokePermanent.status()).isEqualTo(404);
        assertThat(revokePermanent.code()).isEqualTo("TOKEN_NOT_FOUND");
        assertThat(new Api(port, permanentSecret).get("/api/v1/templates").status()).isEqualTo(200);
        assertThat(shortAdmin.get("/api/v1/tokens").body().get("items")).extracting(t -> t.get("name").asString())
                .doesNotContain(permanent).contains(sooner);
        assertThat(revokeSooner.status()).isEqualTo(204);
    }

    @Test
    void onlyATokenThatRevealsSecretsIssuesOneThatDoes() {
        Api plainAdmin = new Api(port, issue(List.of("admin"), null, null));
        Api revealingAdmin = new Api(port, admin.post("/api/v1/tokens", Map.of("name", "rev-" + suffix(), "scopes",
                List.of("admin"), "revealSecrets", true)).body().get("token").asString());

        Api.Response byPlain = plainAdmin.post("/api/v1/tokens", Map.of("name", "x-" + suffix(), "scopes",
                List.of("read"), "revealSecrets", true));
        Api.Response byRevealing = revealingAdmin.post("/api/v1/tokens", Map.of("name", "y-" + suffix(), "scopes",
                List.of("read"), "revealSecrets", true));
        Api.Response byConfiguredAdmin = admin.post("/api/v1/tokens", Map.of("name", "z-" + suffix(), "scopes",
                List.of("read"), "revealSecrets", true));

        assertThat(byPlain.status()).isEqualTo(403);
        assertThat(byPlain.code()).isEqualTo("TOKEN_WIDER_THAN_ISSUER");
        assertThat(byRevealing.status()).as(String.valueOf(byRevealing.body())).isEqualTo(201);
        assertThat(byConfiguredAdmin.status()).as(String.valueOf(byConfiguredAdmin.body())).isEqualTo(201);
    }

    @Test
    void aTokenWhoseSqlIsReadOnlyIssuesOnlyTokensWhoseSqlIsReadOnly() {
        Api.Response issued = admin.post("/api/v1/tokens", Map.of("name", "ro-sql-" + suffix(), "scopes",
                List.of("admin"), "sqlReadOnly", true));
        Api sqlReadOnlyAdmin = new Api(port, issued.body().get("token").asString());

        Api.Response writing = sqlReadOnlyAdmin.post("/api/v1/tokens", Map.of("name", "w-" + suffix(), "scopes",
                List.of("write")));
        Api.Response reading = sqlReadOnlyAdmin.post("/api/v1/tokens", Map.of("name", "r-" + suffix(), "scopes",
                List.of("write"), "sqlReadOnly", true));

        assertThat(issued.body().get("details").get("sqlReadOnly").asBoolean()).isTrue();
        assertThat(writing.status()).isEqualTo(403);
        assertThat(writing.code()).isEqualTo("TOKEN_WIDER_THAN_ISSUER");
        assertThat(reading.status()).as(String.valueOf(reading.body())).isEqualTo(201);
        assertThat(reading.body().get("details").get("sqlReadOnly").asBoolean()).isTrue();
    }

    /** The owner password in one branch's answer is a reveal like the console's, and audited as one. */
    @Test
    void readingOneBranchWithAWriteTokenIsAuditedAsAReveal() {
        String writerName = "revealer-" + suffix();
        Api writer = new Api(port, admin.post("/api/v1/tokens", Map.of("name", writerName, "scopes",
                List.of("write"))).body().get("token").asString());
        String readerName = "looker-" + suffix();
        Api reader = new Api(port, admin.post("/api/v1/tokens", Map.of("name", readerName, "scopes",
                List.of("read"))).body().get("token").asString());
        String branch = "rev-" + suffix();
        assertThat(writer.post("/api/v1/branches", Map.of("name", branch, "template", allowed)).status())
                .isEqualTo(201);

        Api.Response read = writer.get("/api/v1/branches/" + branch);
        Api.Response looked = reader.get("/api/v1/branches/" + branch);
        writer.get("/api/v1/branches");

        assertThat(read.body().get("connection").get("password").isNull()).isFalse();
        assertThat(looked.body().get("connection").get("password").isNull()).isTrue();
        JsonNode reveals = admin.get("/api/v1/audit?action=branch.reveal&target=" + branch).body().get("items");
        assertThat(reveals).extracting(e -> e.get("actor").asString() + " " + e.get("channel").asString())
                .containsExactly(writerName + " rest");
        assertThat(reveals.toString()).doesNotContain(read.body().get("connection").get("password").asString());
        assertThat(admin.delete("/api/v1/branches/" + branch).status()).isEqualTo(204);
    }

    private String issue(List<String> scopes, List<String> templates, Map<String, String> label) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "t-" + suffix(), "scopes", scopes));
        if (templates != null) {
            body.put("templates", templates);
        }
        if (label != null) {
            body.put("requiredLabels", label);
        }
        Api.Response response = admin.post("/api/v1/tokens", body);
        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(201);
        return response.body().get("token").asString();
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
