package dev.offshoot.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code offshoot context list|use|show|delete}: the saved contexts (a URL and a token each; tokens never printed). */
@Command(name = "context", description = "List, switch and delete saved contexts ('offshoot login --context NAME' adds one).",
        subcommands = CommandLine.HelpCommand.class)
final class ContextCommands {

    @ParentCommand
    OffshootCli root;

    @Command(name = "list", description = "The saved contexts; * marks the current one.")
    int list() {
        CliConfig config = CliConfig.read(file());
        ObjectNode data = CliSettings.JSON.createObjectNode().put("current", config.current());
        ArrayNode items = data.putArray("items");
        List<List<String>> rows = new ArrayList<>();
        config.contexts().forEach((name, c) -> {
            items.addObject().put("name", name).put("url", c.url());
            rows.add(List.of(name.equals(config.current()) ? "*" : "", name, c.url()));
        });
        Output output = root.output();
        output.answer(data, String.join("\n", config.contexts().keySet()),
                () -> output.table(List.of("CURRENT", "NAME", "URL"), rows));
        return ExitCodes.OK;
    }

    @Command(name = "use", description = "Make a saved context the current one.")
    int use(@Parameters(paramLabel = "NAME") String name) throws IOException {
        Path file = file();
        CliConfig.read(file).using(name).save(file);
        root.output().note("Using context '" + name + "'");
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "The current context's name and URL.")
    int show() {
        CliConfig config = CliConfig.read(file());
        String name = CliSettings.firstNonBlank(root.context, CliSettings.firstNonBlank(root.env().get("OFFSHOOT_CONTEXT"),
                config.current()));
        if (name == null) {
            throw CliFailure.usage("no current context: run 'offshoot login --url URL'");
        }
        config.requireKnown(name);
        String url = config.contexts().get(name).url();
        Output output = root.output();
        output.answer(CliSettings.JSON.createObjectNode().put("name", name).put("url", url), name,
                () -> output.fields(fields(name, url)));
        return ExitCodes.OK;
    }

    @Command(name = "delete", description = "Forget a saved context and its token.")
    int delete(@Parameters(paramLabel = "NAME") String name) throws IOException {
        Path file = file();
        CliConfig.read(file).without(name).save(file);
        root.output().note("Deleted context '" + name + "'");
        return ExitCodes.OK;
    }

    private static java.util.Map<String, String> fields(String name, String url) {
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("context", name);
        fields.put("url", url);
        return fields;
    }

    private Path file() {
        return CliConfig.file(root.env());
    }
}
