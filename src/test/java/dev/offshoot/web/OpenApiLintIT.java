package dev.offshoot.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * openapi.yaml is clean under Redocly's recommended rules: Redocly's own CLI from npm (pinned in
 * src/test/openapi-lint, installed by scripts/test.sh), no errors and no warnings. No Docker needed;
 * an IT because it runs a tool the test script installs, like the other npm clients.
 */
class OpenApiLintIT {

    static final Path LINTER = Path.of("src/test/openapi-lint");

    record Run(int exitCode, String output) {
    }

    @TempDir
    Path dir;

    @Test
    void theRestContractIsCleanUnderRedoclysRecommendedRules() throws Exception {
        Run run = lint(Path.of("openapi.yaml").toAbsolutePath());
        assertThat(run.exitCode()).as(run.output()).isZero();
        // a clean run says so; a run with warnings adds "You have N warnings" and one "Warning was generated" each
        assertThat(run.output()).contains("Your API description is valid").doesNotContain("Warning was generated")
                .doesNotContainPattern("You have \\d+ warning");
    }

    @Test
    void theLinterCatchesWhatItIsThereFor() throws Exception {
        // the two errors openapi.yaml once had: nullable without a type beside it
        String broken = Files.readString(Path.of("openapi.yaml")).replaceFirst(
                "(?m)^(\\s+)type: object\\n(\\s+)nullable: true\\n(\\s+)allOf:", "$2nullable: true\n$3allOf:");
        Path copy = Files.writeString(dir.resolve("openapi.yaml"), broken);
        Run run = lint(copy);
        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("nullable-type-sibling");
    }

    private Run lint(Path spec) throws IOException, InterruptedException {
        assertThat(LINTER.resolve("node_modules/@redocly/cli")).as(
                "run scripts/test.sh (or npm ci --prefix src/test/openapi-lint) first").exists();
        ProcessBuilder builder = new ProcessBuilder(List.of("npx", "--no-install", "redocly", "lint", "--config",
                "redocly.yaml", spec.toString())).directory(LINTER.toFile()).redirectErrorStream(true);
        builder.environment().put("REDOCLY_TELEMETRY", "off");
        builder.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("redocly lint finished").isTrue();
        return new Run(process.exitValue(), output);
    }
}
