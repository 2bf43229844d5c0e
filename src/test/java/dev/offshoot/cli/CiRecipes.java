package dev.offshoot.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The CI recipes under ci/ (GitHub composite action and an example workflow, GitLab template and an
 * example pipeline) and the offshoot commands their scripts run.
 */
final class CiRecipes {

    static final Path GITHUB_ACTION = Path.of("ci/github/offshoot-branch/action.yml");
    static final Path GITHUB_WORKFLOW = Path.of("ci/github/pull-request.yml");
    static final Path GITHUB_CLEANUP = Path.of("ci/github/cleanup.yml");
    static final Path GITLAB_TEMPLATE = Path.of("ci/gitlab/offshoot.gitlab-ci.yml");
    static final Path GITLAB_EXAMPLE = Path.of("ci/gitlab/example.gitlab-ci.yml");

    private static final Pattern COMMAND = Pattern.compile(
            "(?<![\\w/.-])offshoot\\s+((?:branch|connection-string|migrate|diff|login|run|psql|template|token|context)\\b[^\\n]*)");
    private static final Pattern TOKEN = Pattern.compile("\"([^\"]*)\"|(\\S+)");

    private CiRecipes() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) {
        try {
            // duplicate keys are an error, as in GitHub's and GitLab's parsers
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            return (Map<String, Object>) new Yaml(options).load(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static String githubScript() {
        Map<String, Object> runs = (Map<String, Object>) yaml(GITHUB_ACTION).get("runs");
        return (String) ((List<Map<String, Object>>) runs.get("steps")).getFirst().get("run");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> githubSteps() {
        return (List<Map<String, Object>>) ((Map<String, Object>) yaml(GITHUB_ACTION).get("runs")).get("steps");
    }

    /**
     * The text of a shell function defined in a script, from {@code name() {} to the closing brace at
     * its own indentation.
     */
    static String function(String script, String name) {
        Matcher m = Pattern.compile("(?m)^([ \\t]*)" + name + "\\(\\) \\{\\n(?:.*\\n)*?\\1}\\n").matcher(script);
        if (!m.find()) {
            throw new AssertionError("no function " + name + " in the script");
        }
        return m.group();
    }

    static String gitlabScript(String job) {
        return gitlabScript(GITLAB_TEMPLATE, job);
    }

    @SuppressWarnings("unchecked")
    static String gitlabScript(Path file, String job) {
        return String.join("\n", (List<String>) ((Map<String, Object>) yaml(file).get(job)).get("script"));
    }

    /**
     * The arguments of every offshoot command line in a script, shell variables replaced by a
     * placeholder, up to the first redirection, operator or comment.
     */
    static List<List<String>> commands(String script) {
        List<List<String>> commands = new ArrayList<>();
        Matcher m = COMMAND.matcher(script);
        while (m.find()) {
            String line = m.group(1).split("\\s(?:>|2>|\\|\\||&&|\\||#)\\s?|;")[0];
            List<String> args = new ArrayList<>();
            Matcher t = TOKEN.matcher(line);
            while (t.find()) {
                String token = t.group(1) != null ? t.group(1) : t.group(2);
                args.add(token.replaceAll("\\$\\{?\\w+}?", "x"));
            }
            commands.add(args);
        }
        return commands;
    }
}
