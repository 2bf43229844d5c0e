package dev.offshoot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Codex skill (skills/offshoot-migrations) is in the format Codex reads (the rules of the
 * skill creator's validator), names only tools the server has, and teaches the same loop as the
 * MCP server's instructions: both name the same tools.
 */
class SkillTest {

    static final Path SKILL = Path.of("skills/offshoot-migrations");
    static final Set<String> TOOLS = ToolCategories.TOOLS.values().stream().flatMap(List::stream)
            .collect(java.util.stream.Collectors.toSet());

    static String skill() throws IOException {
        return Files.readString(SKILL.resolve("SKILL.md"));
    }

    @Test
    void theFrontmatterIsWhatCodexReads() throws IOException {
        Matcher frontmatter = Pattern.compile("^---\\n(.*?)\\n---", Pattern.DOTALL).matcher(skill());
        assertThat(frontmatter.find()).isTrue();
        Map<String, Object> fields = new Yaml().load(frontmatter.group(1));

        assertThat(fields.keySet()).isSubsetOf("name", "description", "license", "allowed-tools", "metadata");
        assertThat((String) fields.get("name")).isEqualTo(SKILL.getFileName().toString())
                .matches("[a-z0-9]+(-[a-z0-9]+)*").hasSizeLessThanOrEqualTo(64);
        assertThat((String) fields.get("description")).isNotBlank().hasSizeLessThanOrEqualTo(1024)
                .doesNotContain("<", ">");
        Map<String, Object> ui = new Yaml().load(Files.readString(SKILL.resolve("agents/openai.yaml")));
        assertThat(((Map<?, ?>) ui.get("interface")).get("short_description").toString().length()).isBetween(25, 64);
    }

    @Test
    void theSkillAndTheInstructionsNameTheSameToolsAndOnlyToolsTheServerHas() throws IOException {
        Set<String> inSkill = toolsIn(skill());
        Set<String> inInstructions = toolsIn(McpConfiguration.INSTRUCTIONS);

        assertThat(inSkill).isEqualTo(inInstructions);
        assertThat(inSkill).contains("create_branch", "check_migrations", "apply_migrations", "delete_branch",
                "list_slow_queries", "explain_sql_statement", "prepare_query_tuning", "complete_query_tuning");
        Matcher named = Pattern.compile("`([a-z]+(?:_[a-z]+)+)`").matcher(skill());
        while (named.find()) {
            if (!named.group(1).equals("include_internal") && !named.group(1).equals("tuning_id")) {
                assertThat(TOOLS).as("a tool the skill names").contains(named.group(1));
            }
        }
    }

    @Test
    void bothSayToStopAtAPolicyViolationAndKeepPasswordsOut() throws IOException {
        for (String text : List.of(skill(), McpConfiguration.INSTRUCTIONS)) {
            assertThat(text).contains("POLICY_VIOLATION", "approv", "offshoot run", "offshoot connection-string", "--env-file .env",
                    "SQL_READ_ONLY_TOKEN", "CREATE INDEX CONCURRENTLY");
            assertThat(text.toLowerCase(java.util.Locale.ROOT)).contains("stop", "never print");
        }
    }

    private static Set<String> toolsIn(String text) {
        Set<String> found = new TreeSet<>();
        for (String tool : TOOLS) {
            if (Pattern.compile("\\b" + tool + "\\b").matcher(text).find()) {
                found.add(tool);
            }
        }
        return found;
    }
}
