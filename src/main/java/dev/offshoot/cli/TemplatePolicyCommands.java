package dev.offshoot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** {@code offshoot template policy get|set}: the migration policy of a template's branches (docs/migrations.md). */
@Command(name = "policy", description = "Show or set the migration policy of a template's branches.",
        subcommands = CommandLine.HelpCommand.class)
final class TemplatePolicyCommands {

    @ParentCommand
    TemplateCommands template;

    @Command(name = "get", description = "The effective policy (the template's own, or the service default).")
    int get(@Parameters(paramLabel = "NAME") String name) {
        return show(template.root.client().get(TemplateCommands.path(name) + "/policy"));
    }

    @Command(name = "set", description = "Replace the template's policy with a JSON or YAML file ({mode, rules, allow, naming, limits}).")
    int set(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "FILE") Path file) throws IOException {
        JsonNode policy;
        try {
            // YAML is a superset of JSON: one reader for both
            policy = Output.YAML.readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw CliFailure.usage("'" + file + "' is neither JSON nor YAML: " + e.getOriginalMessage());
        }
        if (policy == null || !policy.isObject()) {
            throw CliFailure.usage("'" + file + "' must hold one object: {mode, rules, allow, naming, limits}");
        }
        return show(template.root.client().put(TemplateCommands.path(name) + "/policy", policy));
    }

    private int show(JsonNode policy) {
        Output output = template.root.output();
        // a policy is nested data: people read it as YAML, scripts ask for json or yaml
        output.answer(policy, null, () -> output.printYaml(policy));
        return ExitCodes.OK;
    }
}
