package dev.offshoot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.offshoot.naming.Names;
import picocli.CommandLine;

/**
 * The CI recipes are valid YAML of the expected shape, the examples use the recipes of this
 * repository as they are, docs/ci.md shows the examples as they are, every offshoot command they
 * run parses, the action has the outputs users expect and keeps one comment by its own marker, and
 * the default branch names are valid and carry the repository.
 */
class CiRecipesTest {

    @Test
    @SuppressWarnings("unchecked")
    void githubActionIsACompositeActionWithTheInputsItUses() {
        Map<String, Object> action = CiRecipes.yaml(CiRecipes.GITHUB_ACTION);
        Map<String, Object> runs = (Map<String, Object>) action.get("runs");
        assertThat(runs).containsEntry("using", "composite");
        for (Map<String, Object> step : CiRecipes.githubSteps()) {
            assertThat(step.containsKey("run") ? step.containsKey("shell") : step.containsKey("uses")).as(step.toString()).isTrue();
        }
        Map<String, Map<String, Object>> inputs = (Map<String, Map<String, Object>>) action.get("inputs");
        for (String required : List.of("url", "token")) {
            assertThat(inputs.get(required)).as(required).containsEntry("required", true);
        }
        assertThat(inputs.get("mode")).containsEntry("default", "create");
        // every ${{ inputs.X }} the action reads is declared
        Matcher m = Pattern.compile("inputs\\.([a-z-]+)").matcher(String.valueOf(action));
        while (m.find()) {
            assertThat(inputs).as("input " + m.group(1)).containsKey(m.group(1));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void githubActionHasTheOutputsOfNeonsCreateBranchActionAndMasksTheSecrets() {
        Map<String, Map<String, Object>> outputs = (Map<String, Map<String, Object>>) CiRecipes.yaml(CiRecipes.GITHUB_ACTION)
                .get("outputs");
        String script = CiRecipes.githubScript();
        for (String output : List.of("db_url", "db_host", "db_port", "password", "branch", "created")) {
            assertThat(outputs.get(output)).as(output).containsEntry("value", "${{ steps.branch.outputs." + output + " }}");
            assertThat(script).as(output + " written").containsPattern("echo \"" + output + "=");
        }
        // the password alone is masked too, both before any output carries them
        int firstOutput = script.indexOf("echo \"db_url=");
        assertThat(script.indexOf("echo \"::add-mask::$url\"")).isBetween(0, firstOutput);
        assertThat(script.indexOf("echo \"::add-mask::$password\"")).isBetween(0, firstOutput);
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePrCommentIsFoundByTheReportsOwnMarkerAndReplaced() {
        List<Map<String, Object>> steps = CiRecipes.githubSteps();
        Map<String, Object> find = steps.stream().filter(s -> String.valueOf(s.get("uses")).startsWith("peter-evans/find-comment@"))
                .findFirst().orElseThrow();
        Map<String, Object> update = steps.stream()
                .filter(s -> String.valueOf(s.get("uses")).startsWith("peter-evans/create-or-update-comment@")).findFirst().orElseThrow();
        Map<String, Object> findWith = (Map<String, Object>) find.get("with");
        Map<String, Object> updateWith = (Map<String, Object>) update.get("with");

        assertThat(findWith).containsEntry("body-includes", "${{ steps.branch.outputs.marker }}");
        assertThat(updateWith).containsEntry("comment-id", "${{ steps." + find.get("id") + ".outputs.comment-id }}")
                .containsEntry("edit-mode", "replace").containsEntry("body-path", "${{ steps.branch.outputs.report }}");
        String script = CiRecipes.githubScript();
        // the marker the comment is found by is the first line of the report the comment carries
        assertThat(script).contains("echo \"marker=<!-- offshoot:$name -->\"", "echo \"<!-- offshoot:$name -->\"\n")
                .doesNotContain("gh pr comment");
        assertThat(List.of(find.get("uses"), update.get("uses"))).allSatisfy(uses -> assertThat((String) uses).matches(".*@v\\d+"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void cleanupWorkflowDeletesTheBranchWhenThePullRequestCloses() {
        Map<String, Object> workflow = CiRecipes.yaml(CiRecipes.GITHUB_CLEANUP);
        // YAML 1.1 reads the key "on" as true
        Map<String, Object> on = (Map<String, Object>) (workflow.containsKey("on") ? workflow.get("on") : workflow.get(true));
        assertThat(((Map<String, Object>) on.get("pull_request")).get("types")).isEqualTo(List.of("closed"));
        Map<String, Object> job = (Map<String, Object>) ((Map<String, Object>) workflow.get("jobs")).get("cleanup");
        Map<String, Object> step = ((List<Map<String, Object>>) job.get("steps")).getFirst();
        assertThat(String.valueOf(step.get("uses"))).startsWith("<owner>/offshoot/ci/github/offshoot-branch@");
        assertThat((Map<String, Object>) step.get("with")).containsEntry("mode", "delete");
    }

    @Test
    void defaultBranchNamesCarryTheRepositoryAndAreValidNames() throws Exception {
        String github = CiRecipes.function(CiRecipes.githubScript(), "offshoot_branch_name");
        String gitlab = CiRecipes.function(CiRecipes.gitlabScript("offshoot:branch"), "offshoot_branch_name");
        assertThat(gitlab.strip()).isEqualTo(github.strip());

        assertThat(name(github, "shop", "pr", "42")).isEqualTo("shop-pr-42");
        assertThat(name(github, "Acme.Shop_API", "pr", "12")).isEqualTo("acme-shop-api-pr-12");
        assertThat(name(gitlab, "billing", "mr", "7")).isEqualTo("billing-mr-7");
        String longName = name(github, "a-very-long-repository-name-that-goes-on-and-on-and-on-forever-and-ever", "pr", "123456");
        assertThat(longName).hasSizeLessThanOrEqualTo(63).endsWith("-pr-123456").doesNotContain("--");
        assertThat(name(github, "x".repeat(55) + "-----y", "pr", "1")).doesNotContain("--");
        assertThat(name(github, "___", "pr", "5")).isEqualTo("repo-pr-5");
        for (String made : List.of(longName, name(github, "Acme.Shop_API", "pr", "12"), name(github, "x".repeat(55) + "-----y", "pr", "1"))) {
            Names.requireResourceName("branch", made);
        }
    }

    private static String name(String function, String repository, String kind, String number) throws Exception {
        Process process = new ProcessBuilder("bash", "-c", function + "offshoot_branch_name \"$1\" \"$2\" \"$3\"", "bash",
                repository, kind, number).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out.strip();
    }

    @Test
    @SuppressWarnings("unchecked")
    void gitlabTemplateStopsItsEnvironmentWithADeleteAndPinsItsImages() {
        Map<String, Object> template = CiRecipes.yaml(CiRecipes.GITLAB_TEMPLATE);
        for (String job : List.of("offshoot:branch", "offshoot:comment", "offshoot:stop")) {
            assertThat((Map<String, Object>) template.get(job)).as(job).containsKeys("image", "script", "rules");
        }
        Map<String, Object> branch = (Map<String, Object>) template.get("offshoot:branch");
        Map<String, Object> environment = (Map<String, Object>) branch.get("environment");
        Map<String, Object> stop = (Map<String, Object>) template.get(environment.get("on_stop"));
        assertThat((Map<String, Object>) stop.get("environment")).containsEntry("name", environment.get("name"))
                .containsEntry("action", "stop");
        assertThat(((List<Map<String, Object>>) stop.get("rules")).getFirst()).containsEntry("when", "manual");
        assertThat(CiRecipes.commands(CiRecipes.gitlabScript("offshoot:stop")))
                .extracting(args -> args.get(0) + " " + args.get(1)).containsExactly("branch delete");
        assertThat((Map<String, Object>) ((Map<String, Object>) branch.get("artifacts")).get("reports")).containsKey("dotenv");

        Map<String, Object> variables = (Map<String, Object>) template.get("variables");
        for (String image : List.of("OFFSHOOT_IMAGE", "OFFSHOOT_NOTE_IMAGE")) {
            assertThat((String) variables.get(image)).as(image).matches("[^:]+:\\d+(\\.\\d+)+");
        }
        assertThat(Files.exists(CiRecipes.GITLAB_TEMPLATE)).isTrue();
        assertThat(CiRecipes.gitlabScript("offshoot:branch")).contains("echo \"<!-- offshoot:$OFFSHOOT_BRANCH -->\"");
        assertThat(CiRecipes.gitlabScript("offshoot:comment")).contains("marker=\"<!-- offshoot:$OFFSHOOT_BRANCH -->\"", "-X PUT");
    }

    @Test
    @SuppressWarnings("unchecked")
    void exampleWorkflowsUseTheActionOfThisRepositoryWithInputsItDeclares() {
        Map<String, Object> inputs = (Map<String, Object>) CiRecipes.yaml(CiRecipes.GITHUB_ACTION).get("inputs");
        for (Path workflow : List.of(CiRecipes.GITHUB_WORKFLOW, CiRecipes.GITHUB_CLEANUP)) {
            Map<String, Object> jobs = (Map<String, Object>) CiRecipes.yaml(workflow).get("jobs");
            Map<String, Object> job = (Map<String, Object>) jobs.values().iterator().next();
            Map<String, Object> step = ((List<Map<String, Object>>) job.get("steps")).stream()
                    .filter(s -> String.valueOf(s.get("uses")).startsWith("<owner>/offshoot/")).findFirst().orElseThrow();
            String path = ((String) step.get("uses")).replaceFirst("^<owner>/offshoot/", "").replaceFirst("@.*$", "");
            assertThat(Path.of(path, "action.yml")).isEqualTo(CiRecipes.GITHUB_ACTION);
            assertThat(inputs).containsKeys(((Map<String, Object>) step.get("with")).keySet().toArray(String[]::new));
        }
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
    void docsShowTheExamplesAsTheyAreAndWhereRunnersMustBe() throws IOException {
        String docs = Files.readString(Path.of("docs/ci.md"));
        for (Path example : List.of(CiRecipes.GITHUB_WORKFLOW, CiRecipes.GITHUB_CLEANUP, CiRecipes.GITLAB_EXAMPLE)) {
            String body = Files.readString(example).lines().dropWhile(line -> line.startsWith("#"))
                    .collect(java.util.stream.Collectors.joining("\n"));
            assertThat(docs).as(example.toString()).contains(body);
        }
        String readme = Files.readString(Path.of("README.md"));
        for (String page : List.of(docs, readme)) {
            assertThat(page).contains("types: [closed]", "gateway's one TLS port", "gateway.md")
                    .doesNotContain("<!-- update when the gateway");
        }
    }

    @Test
    void everyCommandTheRecipesRunParses() {
        List<List<String>> github = CiRecipes.commands(CiRecipes.githubScript());
        List<List<String>> gitlab = CiRecipes.commands(CiRecipes.gitlabScript("offshoot:branch") + "\n"
                + CiRecipes.gitlabScript("offshoot:stop"));
        List<List<String>> example = CiRecipes.commands(CiRecipes.gitlabScript(CiRecipes.GITLAB_EXAMPLE, "test"));
        assertThat(github).extracting(args -> args.getFirst() + " " + args.get(1))
                .contains("branch create", "branch reset", "branch delete", "connection-string x", "migrate check",
                        "migrate apply", "diff x");
        assertThat(gitlab).extracting(args -> args.getFirst() + " " + args.get(1))
                .contains("branch create", "migrate check", "migrate apply", "diff x", "branch delete");
        assertThat(example).extracting(args -> args.getFirst()).containsExactly("run");
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
