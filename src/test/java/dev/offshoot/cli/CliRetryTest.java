package dev.offshoot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** 429 and 503 are sent again after the Retry-After the service names, a bounded number of times. */
class CliRetryTest {

    static final String BUSY = "{\"code\":\"BRANCH_BUSY\",\"detail\":\"held by another operation\",\"retryable\":true}";

    StubService service;
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        service = new StubService();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    CliRun run(Map<String, String> extra, String... args) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("OFFSHOOT_URL", service.url(),
                "OFFSHOOT_TOKEN", "tok", "OFFSHOOT_CONFIG", "/nonexistent/cli.json"));
        env.putAll(extra);
        CliHost host = new CliHost(env, new ByteArrayInputStream(new byte[0]), p -> null, (c, e) -> 0, waits::add);
        return CliRun.on(host, args);
    }

    @Test
    void aBusyAnswerIsRetriedAfterTheSecondsItsRetryAfterNames() {
        service.answer("POST /api/v1/branches/pr-1/reset", 503, BUSY, Map.of("Retry-After", "7"))
                .answer("POST /api/v1/branches/pr-1/reset", 429, BUSY, Map.of("Retry-After", "3"))
                .json("POST /api/v1/branches/pr-1/reset", 200, OffshootCliTest.BRANCH);

        CliRun run = run(Map.of(), "branch", "reset", "pr-1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(3));
        assertThat(service.requests).hasSize(3);
        assertThat(run.err()).contains("BRANCH_BUSY", "retrying in 7 s").doesNotContain("tok");
    }

    @Test
    void anHttpDateRetryAfterIsHonouredAndAMissingOneBacksOff() {
        String inTwentySeconds = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(20).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        service.answer("GET /api/v1/branches/pr-1", 503, BUSY, Map.of("Retry-After", inTwentySeconds))
                .answer("GET /api/v1/branches/pr-1", 503, BUSY, Map.of())
                .answer("GET /api/v1/branches/pr-1", 503, BUSY, Map.of())
                .json("GET /api/v1/branches/pr-1", 200, OffshootCliTest.BRANCH);

        assertThat(run(Map.of(), "branch", "get", "pr-1").exitCode()).isZero();

        assertThat(waits.getFirst()).isBetween(Duration.ofSeconds(18), Duration.ofSeconds(20));
        assertThat(waits.subList(1, 3)).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void retriesStopAfterTheConfiguredNumberWithTheLastProblem() {
        service.answer("GET /api/v1/branches/pr-1", 503, BUSY, Map.of("Retry-After", "1"));

        CliRun run = run(Map.of("OFFSHOOT_RETRIES", "2"), "branch", "get", "pr-1");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run.err()).endsWith("error: BRANCH_BUSY: held by another operation\n");
        assertThat(service.requests).hasSize(3);
        assertThat(waits).hasSize(2);
    }

    @Test
    void otherFailuresAreNotRetriedAndAnAbsurdWaitIsCapped() {
        service.json("GET /api/v1/branches/gone", 404, "{\"code\":\"BRANCH_NOT_FOUND\",\"detail\":\"gone\",\"retryable\":false}")
                .answer("GET /api/v1/branches/pr-1", 503, BUSY, Map.of("Retry-After", "86400"))
                .json("GET /api/v1/branches/pr-1", 200, OffshootCliTest.BRANCH);

        assertThat(run(Map.of(), "branch", "get", "gone").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(waits).isEmpty();
        assertThat(run(Map.of(), "branch", "get", "pr-1").exitCode()).isZero();
        assertThat(waits).containsExactly(Retries.LONGEST);
    }

    @Test
    void retriesCanBeTurnedOffAndABadSettingIsAUsageError() {
        service.answer("GET /api/v1/branches/pr-1", 503, BUSY, Map.of("Retry-After", "1"));
        assertThat(run(Map.of("OFFSHOOT_RETRIES", "0"), "branch", "get", "pr-1").exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(service.requests).hasSize(1);
        assertThat(run(Map.of("OFFSHOOT_RETRIES", "many"), "branch", "get", "pr-1").exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
