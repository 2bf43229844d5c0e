package dev.offshoot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * The CI recipes are valid YAML of the expected shape, the examples use the recipes of this
 * repository as they are, docs/ci.md shows the examples as they are, and every offshoot command
 * they run parses.
 */
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
    @SuppressWarnings("unchecked")
    void exampleWorkflowUsesTheActionOfThisRepositoryWithInputsItDeclares() {
        Map<String, Object> jobs = (Map<String, Object>) CiRecipes.yaml(CiRecipes.GITHUB_WORKFLOW).get("jobs");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) ((Map<String, Object>) jobs.get("test"))
                .get("steps");
        Map<String, Object> step = steps.stream().filter(s -> String.valueOf(s.get("uses")).startsWith("<owner>/offshoot/"))
                .findFirst().orElseThrow();
        String path = ((String) step.get("uses")).replaceFirst("^<owner>/offshoot/", "").replaceFirst("@.*$", "");

        assertThat(Path.of(path, "action.yml")).isEqualTo(CiRecipes.GITHUB_ACTION);
        Map<String, Object> inputs = (Map<String, Object>) CiRecipes.yaml(CiRecipes.GITHUB_ACTION).get("inputs");
        assertThat(inputs).containsKeys(((Map<String, Object>) step.get("with")).keySet().toArray(String[]::new));
    }

    @Test
    @SuppressWarnings("unchecked")
    void gitlabExampleIncludesTheTemplateAndSetsWhatItReads() throws IOException {
        Map<String, Object> example = CiRecipes.yaml(CiRecipes.GITLAB_EXAMPLE);
        Map<String, Object> include = ((List<Map<String, Object>>) example.get("include")).getFirst();
        String template = Files.readString(CiRecipes.GITLAB_TEMPLATE);

        assertThat(Path.of((String) include.get("file"))).isEqualTo(CiRecipes.GITLAB_TEMPLATE);
        for (String variable : ((Map<String, Object>) example.get("variables")).keySet()) {
            assertThat(template).as(variable).contains(variable);
        }
        Map<String, Object> test = (Map<String, Object>) example.get("test");
        assertThat((List<String>) test.get("needs")).allSatisfy(job -> assertThat(CiRecipes.yaml(CiRecipes.GITLAB_TEMPLATE))
                .containsKey(job));
    }

    @Test
    void docsShowTheExamplesAsTheyAre() throws IOException {
        String docs = Files.readString(Path.of("docs/ci.md"));
        for (Path example : List.of(CiRecipes.GITHUB_WORKFLOW, CiRecipes.GITLAB_EXAMPLE)) {
            String body = Files.readString(example).lines().dropWhile(line -> line.startsWith("#"))
                    .collect(java.util.stream.Collectors.joining("\n"));
            assertThat(docs).as(example.toString()).contains(body);
        }
    }

    @Test
    void everyCommandTheRecipesRunParses() {
        List<List<String>> github = CiRecipes.commands(CiRecipes.githubScript());
        List<List<String>> gitlab = CiRecipes.commands(CiRecipes.gitlabScript("offshoot:branch"));
        List<List<String>> example = CiRecipes.commands(CiRecipes.gitlabScript(CiRecipes.GITLAB_EXAMPLE, "test"));
        assertThat(github).extracting(args -> args.getFirst() + " " + args.get(1))
                .contains("branch create", "connection-string x", "migrate check", "migrate apply", "diff x");
        assertThat(gitlab).extracting(args -> args.getFirst() + " " + args.get(1))
                .contains("branch create", "migrate check", "migrate apply", "diff x");
        assertThat(example).extracting(args -> args.getFirst()).containsExactly("connection-string");
        for (List<String> args : concat(concat(github, gitlab), example)) {
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
