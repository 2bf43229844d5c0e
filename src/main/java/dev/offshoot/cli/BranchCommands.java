package dev.offshoot.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code offshoot branch create|list|get|reset|extend|protect|unprotect|idle-suspend|suspend|wake|delete}. */
@Command(name = "branch", description = "Create, list, show, reset, extend, protect, suspend, wake and delete branches.",
        subcommands = CommandLine.HelpCommand.class)
final class BranchCommands {

    @ParentCommand
    OffshootCli root;

    /** Exactly one parent. */
    static final class Parent {
        @Option(names = "--template", required = true, description = "Template to branch from")
        String template;

        @Option(names = "--from-branch", required = true, description = "Branch to copy")
        String fromBranch;
    }

    @Command(name = "create", description = "Create a branch (answers when it accepts connections; again: the same branch).")
    int create(@Parameters(paramLabel = "NAME") String name,
            @ArgGroup(exclusive = true, multiplicity = "1") Parent parent,
            @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Label (repeatable)") Map<String, String> labels,
            @Option(names = "--ttl", description = "Time to live, e.g. 2h or PT30M") String ttl,
            @Option(names = "--revision", description = "Template revision (default: latest)") Integer revision,
            @Option(names = "--idle-suspend", paramLabel = "DURATION", description = "Suspend it after this long without"
                    + " a connection, e.g. 30m or PT2H; 0 never (default: its template's, else the service's)")
            String idleSuspend) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("template", parent.template);
        body.put("fromBranch", parent.fromBranch);
        body.put("revision", revision);
        body.put("labels", labels);
        body.put("ttl", ttl);
        body.put("idleSuspend", idleSuspend);
        body.values().removeIf(v -> v == null);
        return show(root.client().post("/api/v1/branches", body));
    }

    @Command(name = "list", description = "List live branches (every page), or deleted ones with --status deleted.")
    int list(@Option(names = "--label", paramLabel = "KEY=VALUE", description = "Only branches with this label (repeatable)") List<String> labels,
            @Option(names = "--template", description = "Only branches of this template") String template,
            @Option(names = "--status", description = "Only branches in this status (e.g. ready, failed, deleted)") String status) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        (labels == null ? List.<String>of() : labels).forEach(l -> params.add(Map.entry("label", l)));
        if (template != null) {
            params.add(Map.entry("template", template));
        }
        if (status != null) {
            params.add(Map.entry("status", status));
        }
        JsonNode answer = root.client().getAll("/api/v1/branches", params);
        answer.path("items").forEach(Output::withoutPasswords);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode b : answer.path("items")) {
            rows.add(List.of(Output.text(b, "name"), Output.text(b, "status"), Output.text(b, "template"),
                    Output.text(b, "expiresAt"), labels(b.path("labels"))));
        }
        Output output = root.output();
        output.answer(answer, Output.column(answer.path("items"), "name"),
                () -> output.table(List.of("NAME", "STATUS", "TEMPLATE", "EXPIRES", "LABELS"), rows));
        return ExitCodes.OK;
    }

    @Command(name = "get", description = "Show a branch (without its password: see connection-string, psql, run).")
    int get(@Parameters(paramLabel = "NAME") String name) {
        return show(root.client().get(path(name)));
    }

    @Command(name = "reset", description = "Reset a branch to its parent's data (keeps its connection string).")
    int reset(@Parameters(paramLabel = "NAME") String name) {
        return show(root.client().post(path(name) + "/reset", null));
    }

    @Command(name = "extend", description = "Set a branch to expire this long from now (shorter works too).")
    int extend(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--ttl", required = true, description = "Time to live from now, e.g. 4h or P2D") String ttl) {
        return show(root.client().patch(path(name), Map.of("ttl", ttl)));
    }

    @Command(name = "protect", description = "Protect a branch: deletes and reaping leave it alone (delete --force still works).")
    int protect(@Parameters(paramLabel = "NAME") String name) {
        return show(root.client().patch(path(name), Map.of("protectedBranch", true)));
    }

    @Command(name = "unprotect", description = "Remove a branch's protection.")
    int unprotect(@Parameters(paramLabel = "NAME") String name) {
        return show(root.client().patch(path(name), Map.of("protectedBranch", false)));
    }

    @Command(name = "idle-suspend", description = "Suspend a branch after this long without a connection (0: never;"
            + " inherit: its template's, else the service's setting).")
    int idleSuspend(@Parameters(paramLabel = "NAME") String name,
            @Parameters(paramLabel = "DURATION", description = "e.g. 30m, PT2H, 0 or inherit") String idleSuspend) {
        return show(root.client().patch(path(name), Map.of("idleSuspend", idleSuspend)));
    }

    @Command(name = "suspend", description = "Stop a branch's server; its data and connection string stay "
            + "(a connection wakes it).")
    int suspend(@Parameters(paramLabel = "NAME") String name) {
        return show(root.client().post(path(name) + "/suspend", null));
    }

    @Command(name = "wake", description = "Start a suspended branch's server (answers when it accepts connections).")
    int wake(@Parameters(paramLabel = "NAME") String name) {
        return show(root.client().post(path(name) + "/wake", null));
    }

    @Command(name = "delete", description = "Delete a branch.")
    int delete(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--force", description = "Also delete a protected branch or one with children") boolean force) {
        root.client().delete(path(name) + (force ? "?force=true" : ""));
        Output output = root.output();
        output.answer(CliSettings.JSON.createObjectNode().put("name", name).put("deleted", true), null,
                () -> output.line("Deleted " + name));
        return ExitCodes.OK;
    }

    private static String path(String name) {
        return "/api/v1/branches/" + OffshootClient.enc(name);
    }

    private int show(JsonNode branch) {
        Output output = root.output();
        Output.withoutPasswords(branch);
        output.answer(branch, Output.text(branch, "name"), () -> output.fields(fields(branch)));
        return ExitCodes.OK;
    }

    private static Map<String, String> fields(JsonNode branch) {
        JsonNode c = branch.path("connection");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", Output.text(branch, "name"));
        fields.put("status", Output.text(branch, "status"));
        fields.put("template", Output.text(branch, "template") + " (revision " + Output.text(branch, "templateRevision") + ")");
        fields.put("parent", Output.text(branch, "parentBranch"));
        fields.put("labels", labels(branch.path("labels")));
        fields.put("expires", Output.text(branch, "expiresAt"));
        fields.put("protected", Output.text(branch, "protectedBranch"));
        fields.put("idle suspend", Output.text(branch, "idleSuspend") + " (" + Output.text(branch, "idleSuspendFrom")
                + "'s setting; PT0S: never)");
        fields.put("connection", Output.text(c, "uri"));
        fields.put("password", "not shown: offshoot psql " + Output.text(branch, "name") + ", or connection-string --env-file .env");
        return fields;
    }

    static String labels(JsonNode labels) {
        List<String> pairs = new ArrayList<>();
        labels.properties().forEach(e -> pairs.add(e.getKey() + "=" + e.getValue().asString()));
        return String.join(",", pairs);
    }
}
