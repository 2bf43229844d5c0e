package dev.offshoot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Principal;
import dev.offshoot.auth.Scope;
import dev.offshoot.auth.TokenAuthentication;
import dev.offshoot.branch.BranchStatus;
import dev.offshoot.branch.BranchView;

/**
 * The JSON of the branch tools' answers, field by field and in order: agents and their clients
 * read these names, so a change of shape is a change of contract.
 */
class ToolAnswersTest {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final String PASSWORD_FROM = JSON.writeValueAsString(Credentials.passwordFrom("pr-7"));
    private static final String CONNECTION = "{\"host\":\"localhost\",\"port\":25001,\"database\":\"shop\","
            + "\"user\":\"shop_owner\",\"password\":%s,\"uri\":\"postgresql://shop_owner%s@localhost:25001/shop"
            + "?sslmode=require&options=endpoint%%3Dpr-7\",\"jdbcUrl\":\"jdbc:postgresql://localhost:25001/shop"
            + "?sslmode=require&options=endpoint%%3Dpr-7\",\"sslMode\":\"require\",\"options\":\"endpoint=pr-7\","
            + "\"sniHost\":null,\"sniUri\":null}";
    private static final String VIEW = "{\"id\":\"6f1c0c52-56d5-4c5e-9b1a-2f3d6c1e7a10\",\"name\":\"pr-7\","
            + "\"status\":\"READY\",\"created\":true,\"template\":\"shop\",\"templateRevision\":2,\"parentBranch\":null,"
            + "\"labels\":{\"pr\":\"7\"},\"createdBy\":\"ci\",\"createdAt\":\"2026-12-01T10:00:00Z\","
            + "\"expiresAt\":\"2026-12-01T12:00:00Z\",\"lastActivityAt\":null,\"protectedBranch\":false,"
            + "\"failureReason\":null,\"diskUsageBytes\":1024,\"connection\":%s,\"readOnlyConnection\":null,"
            + "\"idleSuspend\":\"PT5M\",\"idleSuspendFrom\":\"service\"}";

    private final AuditLog audit = Mockito.mock(AuditLog.class);
    private final Credentials credentials = new Credentials(audit);

    @Test
    void aListedBranchShowsItsStateWithoutConnectionDetails() {
        assertThat(JSON.writeValueAsString(BranchTools.summary(view("s3cret")))).isEqualTo("{\"name\":\"pr-7\","
                + "\"status\":\"READY\",\"template\":\"shop\",\"templateRevision\":2,\"parentBranch\":null,"
                + "\"labels\":{\"pr\":\"7\"},\"createdAt\":\"2026-12-01T10:00:00Z\","
                + "\"expiresAt\":\"2026-12-01T12:00:00Z\"}");
    }

    @Test
    void aCreatedBranchSaysWhetherItIsNewAndWhereItsPasswordIs() {
        String json = as(caller(false), () -> JSON.writeValueAsString(BranchTools.created(credentials, view("s3cret"))));

        assertThat(json).isEqualTo("{\"created\":true,\"branch\":" + VIEW.formatted(CONNECTION.formatted("null", ""))
                + ",\"passwordFrom\":" + PASSWORD_FROM + "}");
    }

    @Test
    void aConnectionWithoutItsPasswordSaysWhereItIs() {
        String json = as(caller(false), () -> JSON.writeValueAsString(credentials.connection(view("s3cret"), "t")));

        assertThat(json).isEqualTo(CONNECTION.formatted("null", "").replaceFirst("}$", "")
                + ",\"passwordFrom\":" + PASSWORD_FROM + "}");
    }

    @Test
    void aTokenThatRevealsSecretsGetsThePasswordAndNoPointerToIt() {
        String described = as(caller(true), () -> JSON.writeValueAsString(credentials.describe(view("s3cret"), "t")));
        String connection = as(caller(true), () -> JSON.writeValueAsString(credentials.connection(view("s3cret"), "t")));

        assertThat(described).isEqualTo("{\"branch\":" + VIEW.formatted(CONNECTION.formatted("\"s3cret\"", ":s3cret"))
                + "}");
        assertThat(connection).isEqualTo(CONNECTION.formatted("\"s3cret\"", ":s3cret"));
    }

    private static BranchView view(String password) {
        String uri = "postgresql://shop_owner" + (password == null ? "" : ":" + password) + "@localhost:25001/shop"
                + "?sslmode=require&options=endpoint%3Dpr-7";
        return new BranchView("6f1c0c52-56d5-4c5e-9b1a-2f3d6c1e7a10", "pr-7", BranchStatus.READY, true, "shop", 2,
                null, Map.of("pr", "7"), "ci", Instant.parse("2026-12-01T10:00:00Z"),
                Instant.parse("2026-12-01T12:00:00Z"), null, false, null, 1024L,
                new BranchView.Connection("localhost", 25001, "shop", "shop_owner", password, uri,
                        "jdbc:postgresql://localhost:25001/shop?sslmode=require&options=endpoint%3Dpr-7", "require",
                        "endpoint=pr-7", null, null), null, "PT5M", "service");
    }

    private static Principal caller(boolean revealSecrets) {
        return new Principal("agent", EnumSet.of(Scope.READ, Scope.WRITE), Set.of(), null, null, null, revealSecrets);
    }

    private static <T> T as(Principal caller, Supplier<T> work) {
        return CurrentPrincipal.callAs(TokenAuthentication.authenticated(caller), work);
    }
}
