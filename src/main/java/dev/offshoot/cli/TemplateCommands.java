package dev.offshoot.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code offshoot template create|list|get|migrate|pool|delete} and {@code template policy get|set}. */
@Command(name = "template", description = "Create (empty, from SQL files, a database URL or migrations), list, resize the pool of and delete templates.",
        subcommands = {TemplatePolicyCommands.class, CommandLine.HelpCommand.class})
final class TemplateCommands {

    @ParentCommand
    OffshootCli root;

    /** Where the first revision's data comes from: nothing (an empty database), SQL files, or a database. */
    static final class Source {
        @Option(names = "--sql", paramLabel = "FILE", required = true,
                description = "Plain SQL file, applied in the order given (repeatable)")
        List<Path> sqlFiles;

        @Option(names = "--source-url-env", paramLabel = "VAR", required = true,
                description = "Import the database whose URL is in this environment variable (keeps its password out of argv)")
        String sourceUrlVariable;
    }

    @Command(name = "create", description = "Create a template (answers when revision 1, and with --migrations revision 2, is built).")
    int create(@Parameters(paramLabel = "NAME") String name,
            @ArgGroup(exclusive = true, multiplicity = "0..1") Source source,
            @Option(names = "--database", description = "Database name (default: the template's name)") String database,
            @Option(names = "--owner", description = "Owner role of the database") String owner,
            @Option(names = "--postgres-version", paramLabel = "MAJOR",
                    description = "PostgreSQL major of the template and its branches, e.g. 15 or 17 (default: the service's newest)")
            Integer postgresVersion,
            @Option(names = "--migrations", paramLabel = "DIR", description = "Then apply these Flyway migrations as the next revision") Path migrations,
            @Option(names = "--idle-suspend", paramLabel = "DURATION", description = "Suspend its branches after this long"
                    + " without a connection, e.g. 30m; 0 never (default: the service's setting)") String idleSuspend)
            throws IOException {
        List<Map<String, String>> migrationFiles = migrations == null ? null : MigrateCommands.files(migrations);
        OffshootClient client = root.client();
        JsonNode template;
        if (source != null && source.sqlFiles != null) {
            MultipartBody form = new MultipartBody().field("name", name).field("database", database).field("owner", owner)
                    .field("postgresVersion", postgresVersion == null ? null : postgresVersion.toString())
                    .field("idleSuspend", idleSuspend);
            for (Path file : source.sqlFiles) {
                form.file("file", file);
            }
            template = client.postForm("/api/v1/templates", form);
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("database", database);
            body.put("owner", owner);
            body.put("postgresVersion", postgresVersion);
            body.put("sourceUrl", source == null ? null : sourceUrl(source.sourceUrlVariable));
            body.put("idleSuspend", idleSuspend);
            body.values().removeIf(v -> v == null);
            template = client.post("/api/v1/templates", body);
        }
        if (migrationFiles != null) {
            client.post(path(name) + "/migrations", Map.of("migrations", migrationFiles));
            template = client.get(path(name));
        }
        return show(template);
    }

    @Command(name = "list", description = "List templates (every page).")
    int list() {
        JsonNode answer = root.client().getAll("/api/v1/templates", List.of());
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode t : answer.path("items")) {
            rows.add(List.of(Output.text(t, "name"), Output.text(t, "postgresVersion"), Output.text(t, "latestRevision"),
                    Output.text(t, "database"), Output.text(t, "branchCount"), Output.text(t, "poolReady") + "/" + Output.text(t, "poolSize"),
                    Output.text(t, "databaseSizeBytes")));
        }
        Output output = root.output();
        output.answer(answer, Output.column(answer.path("items"), "name"),
                () -> output.table(List.of("NAME", "PG", "REVISION", "DATABASE", "BRANCHES", "POOL", "DB_BYTES"),
                        rows));
        return ExitCodes.OK;
    }

    @Command(name = "get", description = "Show a template and its revisions.")
    int get(@Parameters(paramLabel = "NAME") String name) {
        return show(root.client().get(path(name)));
    }

    @Command(name = "migrate", description = "A new revision: Flyway migrations applied on top of the latest.")
    int migrate(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "DIR") Path dir) throws IOException {
        OffshootClient client = root.client();
        client.post(path(name) + "/migrations", Map.of("migrations", MigrateCommands.files(dir)));
        return show(client.get(path(name)));
    }

    @Command(name = "pool", description = "Keep this many branches of the template started and waiting (0 turns the warm pool off).")
    int pool(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "SIZE") int size) {
        return show(root.client().patch(path(name), Map.of("poolSize", size)));
    }

    @Command(name = "idle-suspend", description = "Suspend the template's branches after this long without a connection"
            + " (0: never; inherit: the service's setting); a branch's own setting still wins.")
    int idleSuspend(@Parameters(paramLabel = "NAME") String name,
            @Parameters(paramLabel = "DURATION", description = "e.g. 30m, PT2H, 0 or inherit") String idleSuspend) {
        return show(root.client().patch(path(name), Map.of("idleSuspend", idleSuspend)));
    }

    @Command(name = "delete", description = "Delete a template (refused while branches use it, unless --force).")
    int delete(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--force", description = "Also delete the template's live branches") boolean force) {
        root.client().delete(path(name) + (force ? "?force=true" : ""));
        Output output = root.output();
        output.answer(CliSettings.JSON.createObjectNode().put("name", name).put("deleted", true), null,
                () -> output.line("Deleted template " + name));
        return ExitCodes.OK;
    }

    static String path(String name) {
        return "/api/v1/templates/" + OffshootClient.enc(name);
    }

    private String sourceUrl(String variable) {
        String url = root.env().get(variable);
        if (url == null || url.isBlank()) {
            throw CliFailure.usage("environment variable " + variable + " is not set");
        }
        return url;
    }

    private int show(JsonNode template) {
        Output output = root.output();
        output.answer(template, Output.text(template, "name"), () -> {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("name", Output.text(template, "name"));
            fields.put("database", Output.text(template, "database") + " (owner " + Output.text(template, "owner") + ")");
            fields.put("postgres", Output.text(template, "postgresVersion"));
            fields.put("source", Output.text(template.path("source"), "type"));
            fields.put("revision", Output.text(template, "latestRevision"));
            fields.put("branches", Output.text(template, "branchCount"));
            fields.put("pool", Output.text(template, "poolReady") + " ready of " + Output.text(template, "poolSize"));
            fields.put("idle suspend", template.path("idleSuspend").isString() ? Output.text(template, "idleSuspend")
                    : "the service's setting");
            output.fields(fields);
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode r : template.path("revisions")) {
                rows.add(List.of(Output.text(r, "revision"), Output.text(r, "source"), Output.text(r, "createdAt"),
                        Output.text(r, "databaseSizeBytes"), Output.text(r, "branchCount")));
            }
            if (!rows.isEmpty()) {
                output.line("");
                output.table(List.of("REVISION", "SOURCE", "CREATED", "DB_BYTES", "BRANCHES"), rows);
            }
        });
        return ExitCodes.OK;
    }
}
