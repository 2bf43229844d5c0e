package dev.offshoot.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml end to end, through scripts/compose-test.sh (the Dockerfile built on the local
 * JRE image, the stack up under a unique project, a template and a branch through it, psql, down -v,
 * nothing left behind), then the Grafana dashboard against the scrape that run took.
 */
class ComposeIT {

    @TempDir
    Path dir;

    @Test
    void composeStackServesABranchAndLeavesNothingBehind() throws Exception {
        Path scrape = dir.resolve("prometheus.txt");
        Path log = dir.resolve("compose-test.log");
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/compose-test.sh")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OFFSHOOT_COMPOSE_SCRAPE", scrape.toString());
        Process process = builder.start();
        boolean finished = process.waitFor(6, TimeUnit.MINUTES);
        if (!finished) {
            process.destroy();
        }
        String output = Files.readString(log);
        assertThat(finished).as("compose-test.sh within 6 minutes:\n%s", tail(output)).isTrue();
        assertThat(process.exitValue()).as("compose-test.sh:\n%s", tail(output)).isZero();
        assertThat(output).contains("nothing left behind");

        // the framework meters the dashboard reads are in a real scrape of the composed service
        Set<String> scraped = new TreeSet<>();
        Files.readAllLines(scrape).stream().filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]", 2)[0]).forEach(scraped::add);
        Set<String> framework = new TreeSet<>(Dashboard.load().metricNames());
        framework.removeIf(name -> name.startsWith("offshoot_"));
        assertThat(framework).isNotEmpty();
        assertThat(scraped).containsAll(framework).contains("offshoot_reconciler_engine_up");
    }

    private static String tail(String output) {
        return output.lines().skip(Math.max(0, output.lines().count() - 60)).reduce("", (a, b) -> a + b + "\n");
    }
}
