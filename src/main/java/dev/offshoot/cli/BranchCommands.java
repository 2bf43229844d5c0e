package dev.offshoot.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code offshoot branch create|list|get|reset|suspend|wake|delete}. */
@Command(name = "branch", description = "Create, list, show, reset, suspend, wake and delete branches.")
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

    @Command(name = "create", description = "Create a branch (answers when it accepts connections).")
    int create(@Parameters(paramLabel = "NAME") String name,
            @ArgGroup(exclusive = true, multiplicity = "1") Parent parent,
            @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Label (repeatable)") Map<String, String> labels,
            @Option(names = "--ttl", description = "Time to live, e.g. 2h or PT30M") String ttl,
            @Option(names = "--revision", description = "Template revision (default: latest)") Integer revision) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("template", parent.template);
        body.put("fromBranch", parent.fromBranch);
        body.put("revision", revision);
        body.put("labels", labels);
        body.put("ttl", ttl);
        body.values().removeIf(v -> v == null);
        return show(root.client().post("/api/v1/branches", body));
    }

    @Command(name = "list", description = "List live branches.")
    int list(@Option(names = "--label", paramLabel = "KEY=VALUE", description = "Only branches with this label (repeatable)") List<String> labels,
            @Option(names = "--template", description = "Only branches of this template") String template) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        (labels == null ? List.<String>of() : labels).forEach(l -> params.add(Map.entry("label", l)));
        if (template != null) {
            params.add(Map.entry("template", template));
        }
        JsonNode answer = root.client().get("/api/v1/branches" + OffshootClient.query(params));
        Output output = root.output();
        if (output.json()) {
            answer.path("items").forEach(Output::withoutPasswords);
            output.printJson(answer);
            return ExitCodes.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode b : answer.path("items")) {
            rows.add(List.of(Output.text(b, "name"), Output.text(b, "status"), Output.text(b, "template"),
                    Output.text(b, "expiresAt"), labels(b.path("labels"))));
        }
        output.table(List.of("NAME", "STATUS", "TEMPLATE", "EXPIRES", "LABELS"), rows);
        return ExitCodes.OK;
    }

    @Command(name = "get", description = "Show a branch (without its password: see connection-string).")
    int get(@Parameters(paramLabel = "NAME") String name) {
        return show(root.client().get("/api/v1/branches/" + OffshootClient.enc(name)));
    }

    @Command(name = "reset", description = "Reset a branch to its parent's data (keeps its connection string).")
    int reset(@Parameters(paramLabel = "NAME") String name) {
        return show(root.client().post("/api/v1/branches/" + OffshootClient.enc(name) + "/reset", null));
    }

    @Command(name = "suspend", description = "Stop a branch's server; its data and connection string stay "
            + "(a connection wakes it).")
    int suspend(@Parameters(paramLabel = "NAME") String name) {
        return show(root.client().post("/api/v1/branches/" + OffshootClient.enc(name) + "/suspend", null));
    }

    @Command(name = "wake", description = "Start a suspended branch's server (answers when it accepts connections).")
    int wake(@Parameters(paramLabel = "NAME") String name) {
        return show(root.client().post("/api/v1/branches/" + OffshootClient.enc(name) + "/wake", null));
    }

    @Command(name = "delete", description = "Delete a branch.")
    int delete(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--force", description = "Also delete a protected branch or one with children") boolean force) {
        root.client().delete("/api/v1/branches/" + OffshootClient.enc(name) + (force ? "?force=true" : ""));
        Output output = root.output();
        if (output.json()) {
            output.printJson(CliSettings.JSON.createObjectNode().put("name", name).put("deleted", true));
        } else {
            output.line("Deleted " + name);
        }
        return ExitCodes.OK;
    }

    private int show(JsonNode branch) {
        Output output = root.output();
        Output.withoutPasswords(branch);
        if (output.json()) {
            output.printJson(branch);
            return ExitCodes.OK;
        }
        JsonNode c = branch.path("connection");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", Output.text(branch, "name"));
        fields.put("status", Output.text(branch, "status"));
        fields.put("template", Output.text(branch, "template") + " (revision " + Output.text(branch, "templateRevision") + ")");
        fields.put("parent", Output.text(branch, "parentBranch"));
        fields.put("labels", labels(branch.path("labels")));
        fields.put("expires", Output.text(branch, "expiresAt"));
        fields.put("protected", Output.text(branch, "protectedBranch"));
        fields.put("connection", Output.text(c, "uri"));
        fields.put("password", "not shown: offshoot connection-string " + Output.text(branch, "name") + " --env-file .env");
        output.fields(fields);
        return ExitCodes.OK;
    }

    static String labels(JsonNode labels) {
        List<String> pairs = new ArrayList<>();
        labels.properties().forEach(e -> pairs.add(e.getKey() + "=" + e.getValue().asString()));
        return String.join(",", pairs);
    }
}
