package dev.offshoot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code offshoot migrate apply|check NAME DIR}: the Flyway-named .sql files of a directory, sent
 * to the branch's migrations endpoints as JSON. The service orders and validates them.
 */
@Command(name = "migrate", description = "Apply or check a directory of Flyway migrations (V1__name.sql ...).",
        subcommands = CommandLine.HelpCommand.class)
final class MigrateCommands {

    @ParentCommand
    OffshootCli root;

    @Command(name = "apply", description = "Apply pending migrations to a branch.")
    int apply(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "DIR") Path dir) throws IOException {
        JsonNode run = root.client().post(path(name), Map.of("migrations", files(dir)));
        Output output = root.output();
        output.answer(run, null, () -> {
            output.line("Applied " + Output.text(run, "migrationsExecuted") + " migration(s) to " + name
                    + "; schema version " + Output.text(run, "initialVersion") + " -> " + Output.text(run, "schemaVersion"));
            printApplied(output, run.path("applied"));
        });
        return ExitCodes.OK;
    }

    @Command(name = "check", description = "Run migrations on a throwaway copy of a branch: locks, rewrites, lint, diff. Exit 3 if they fail.")
    int check(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "DIR") Path dir) throws IOException {
        JsonNode report = root.client().post(path(name) + "/check", Map.of("migrations", files(dir)));
        boolean passed = report.path("passed").asBoolean(false);
        Output output = root.output();
        output.answer(report, null, () -> printReport(output, name, report, passed));
        return passed ? ExitCodes.OK : ExitCodes.CONFLICT;
    }

    /** The directory's .sql files (not recursive), as {@code {name, sql}} in name order. */
    static List<Map<String, String>> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw CliFailure.usage("'" + dir + "' is not a directory");
        }
        List<Map<String, String>> files = new ArrayList<>();
        try (Stream<Path> paths = Files.list(dir)) {
            for (Path p : paths.filter(p -> p.getFileName().toString().endsWith(".sql") && Files.isRegularFile(p))
                    .sorted().toList()) {
                files.add(Map.of("name", p.getFileName().toString(), "sql", Files.readString(p)));
            }
        }
        if (files.isEmpty()) {
            throw CliFailure.usage("no .sql files in '" + dir + "'");
        }
        return files;
    }

    private static String path(String name) {
        return "/api/v1/branches/" + OffshootClient.enc(name) + "/migrations";
    }

    private static void printReport(Output output, String name, JsonNode report, boolean passed) {
        output.line((passed ? "PASSED" : "FAILED") + ": check of " + name + " in " + Output.text(report, "durationMs")
                + " ms; schema version " + Output.text(report, "initialVersion") + " -> " + Output.text(report, "schemaVersion"));
        printApplied(output, report.path("migrations"));
        if (!report.path("failure").isMissingNode() && !report.path("failure").isNull()) {
            JsonNode failure = report.path("failure");
            output.line("failure: " + Output.text(failure, "code") + ": " + Output.text(failure, "detail"));
        }
        List<List<String>> locks = new ArrayList<>();
        for (JsonNode l : report.path("locks")) {
            locks.add(List.of(Output.text(l, "migration"), Output.text(l, "relation"), Output.text(l, "mode"),
                    Output.text(l, "heldMs"), Output.text(l, "rowEstimate")));
        }
        if (!locks.isEmpty()) {
            output.line("");
            output.table(List.of("MIGRATION", "RELATION", "LOCK", "HELD_MS", "ROWS"), locks);
        }
        for (JsonNode r : report.path("rewrites")) {
            output.line("rewrite: " + Output.text(r, "migration") + " rewrites " + Output.text(r, "table")
                    + " (~" + Output.text(r, "rowEstimate") + " rows)");
        }
        for (JsonNode e : report.path("effects")) {
            output.line("effect " + Output.text(e, "rule") + ": " + Output.text(e, "message"));
        }
        for (JsonNode f : report.path("lint")) {
            output.line("lint " + Output.text(f, "severity") + " " + Output.text(f, "rule") + " in "
                    + Output.text(f, "migration") + ": " + Output.text(f, "message"));
        }
        String diff = Output.text(report, "diffText");
        if (!diff.equals("-") && !diff.isBlank()) {
            output.line("");
            output.line(diff.stripTrailing());
        }
    }

    private static void printApplied(Output output, JsonNode applied) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode m : applied) {
            rows.add(List.of(Output.text(m, "version"), Output.text(m, "description"), Output.text(m, "durationMs")));
        }
        if (!rows.isEmpty()) {
            output.table(List.of("VERSION", "DESCRIPTION", "MS"), rows);
        }
    }
}
