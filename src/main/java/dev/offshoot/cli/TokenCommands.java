package dev.offshoot.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code offshoot token issue|list|revoke} (admin scope). An issued secret is shown once: printed,
 * or with {@code --secret-file} written to a 0600 file and not printed, for handing it to an agent.
 */
@Command(name = "token", description = "Issue, list and revoke API tokens (needs an admin token).",
        subcommands = CommandLine.HelpCommand.class)
final class TokenCommands {

    @ParentCommand
    OffshootCli root;

    @Command(name = "issue", description = "Issue a token; its secret is shown once (or only written to --secret-file).")
    int issue(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "read, write, approve or admin (repeatable)") List<String> scopes,
            @Option(names = "--expires-at", paramLabel = "INSTANT", description = "Expiry, e.g. 2027-01-01T00:00:00Z") String expiresAt,
            @Option(names = "--template", paramLabel = "T", description = "Only branches of this template (repeatable)") List<String> templates,
            @Option(names = "--required-label", paramLabel = "KEY=VALUE", description = "Only branches with this label") Map<String, String> label,
            @Option(names = "--reveal-secrets", description = "MCP results carry branch passwords for this token") boolean revealSecrets,
            @Option(names = "--sql-read-only", description = "The token's SQL is read-only whatever its scopes (for agents)") boolean sqlReadOnly,
            @Option(names = "--secret-file", paramLabel = "FILE", description = "Write the secret here (0600) instead of printing it") Path secretFile)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("scopes", scopes);
        body.put("expiresAt", expiresAt);
        body.put("templates", templates);
        body.put("requiredLabels", label);
        body.put("revealSecrets", revealSecrets ? Boolean.TRUE : null);
        body.put("sqlReadOnly", sqlReadOnly ? Boolean.TRUE : null);
        body.values().removeIf(v -> v == null);
        JsonNode issued = root.client().post("/api/v1/tokens", body);
        String secret = issued.path("token").asString();
        Output output = root.output();
        if (secretFile != null) {
            SecretFiles.write(secretFile, secret + "\n");
            ((ObjectNode) issued).putNull("token");
            output.answer(issued, name, () -> output.line("Issued token " + name + "; its secret is in " + secretFile + " (mode 0600)"));
        } else {
            output.answer(issued, secret, () -> {
                output.line(secret);
                root.err().println("Issued token " + name + ": the secret above is shown once; store it now.");
            });
        }
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "List tokens (every page), revoked ones included; never their secrets.")
    int list() {
        JsonNode answer = root.client().getAll("/api/v1/tokens", List.of());
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode t : answer.path("items")) {
            List<String> scopes = new ArrayList<>();
            t.path("scopes").forEach(s -> scopes.add(s.asString()));
            rows.add(List.of(Output.text(t, "name"), Output.text(t, "prefix"), String.join(",", scopes),
                    Output.text(t, "expiresAt"), Output.text(t, "lastUsedAt"), Output.text(t, "revokedAt")));
        }
        Output output = root.output();
        output.answer(answer, Output.column(answer.path("items"), "name"),
                () -> output.table(List.of("NAME", "PREFIX", "SCOPES", "EXPIRES", "LAST_USED", "REVOKED"), rows));
        return ExitCodes.OK;
    }

    @Command(name = "revoke", description = "Revoke a token: it stops working at once.")
    int revoke(@Parameters(paramLabel = "NAME") String name) {
        root.client().delete("/api/v1/tokens/" + OffshootClient.enc(name));
        Output output = root.output();
        output.answer(CliSettings.JSON.createObjectNode().put("name", name).put("revoked", true), null,
                () -> output.line("Revoked token " + name));
        return ExitCodes.OK;
    }
}
