package dev.offshoot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** The CI recipes are valid YAML of the expected shape, and every offshoot command they run parses. */
class CiRecipesTest {

    @Test
    @SuppressWarnings("unchecked")
    void githubActionIsACompositeActionWithTheInputsItUses() {
        Map<String, Object> action = CiRecipes.yaml(CiRecipes.GITHUB_ACTION);
        Map<String, Object> runs = (Map<String, Object>) action.get("runs");
        assertThat(runs).containsEntry("using", "composite");
        for (Map<String, Object> step : (List<Map<String, Object>>) runs.get("steps")) {
            assertThat(step).containsKey("shell");
        }
        Map<String, Map<String, Object>> inputs = (Map<String, Map<String, Object>>) action.get("inputs");
        for (String required : List.of("url", "token", "template")) {
            assertThat(inputs.get(required)).as(required).containsEntry("required", true);
        }
        // every ${{ inputs.X }} the action reads is declared
        String text = String.valueOf(action);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("inputs\\.([a-z-]+)").matcher(text);
        while (m.find()) {
            assertThat(inputs).as("input " + m.group(1)).containsKey(m.group(1));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void gitlabTemplateHasTheBranchAndCommentJobs() {
        Map<String, Object> template = CiRecipes.yaml(CiRecipes.GITLAB_TEMPLATE);
        for (String job : List.of("offshoot:branch", "offshoot:comment")) {
            Map<String, Object> definition = (Map<String, Object>) template.get(job);
            assertThat(definition).as(job).containsKeys("image", "script", "rules");
        }
        assertThat((Map<String, Object>) template.get("offshoot:branch")).containsKey("artifacts");
    }

    @Test
    void everyCommandTheRecipesRunParses() {
        List<List<String>> github = CiRecipes.commands(CiRecipes.githubScript());
        List<List<String>> gitlab = CiRecipes.commands(CiRecipes.gitlabScript("offshoot:branch"));
        assertThat(github).extracting(args -> args.getFirst() + " " + args.get(1))
                .contains("branch create", "connection-string x", "migrate check", "migrate apply", "diff x");
        assertThat(gitlab).extracting(args -> args.getFirst() + " " + args.get(1))
                .contains("branch create", "migrate check", "migrate apply", "diff x");
        for (List<String> args : concat(github, gitlab)) {
            CommandLine cli = OffshootCli.commandLine(Map.of(), new ByteArrayInputStream(new byte[0]));
            var parsed = cli.parseArgs(args.toArray(String[]::new));
            assertThat(parsed.subcommand()).as(String.join(" ", args)).isNotNull();
        }
    }

    @Test
    void aMistypedCommandIsCaught() {
        List<List<String>> commands = CiRecipes.commands("offshoot branch create \"$B\" --tempalte \"$T\" > out.txt");
        assertThat(commands).containsExactly(List.of("branch", "create", "x", "--tempalte", "x"));
        CommandLine cli = OffshootCli.commandLine(Map.of(), new ByteArrayInputStream(new byte[0]));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cli.parseArgs(commands.getFirst().toArray(String[]::new)))
                .isInstanceOf(CommandLine.ParameterException.class);
    }

    private static List<List<String>> concat(List<List<String>> a, List<List<String>> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
