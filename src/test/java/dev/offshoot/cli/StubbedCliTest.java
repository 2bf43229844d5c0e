package dev.offshoot.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of the CLI's in-process tests: a {@link StubService} per test, and an environment
 * that points the CLI at it with a token, a settings file of the test's own and no retries
 * (retries have their own test, {@link CliRetryTest}: here a 503 is the answer).
 */
abstract class StubbedCliTest {

    @TempDir
    Path dir;
    StubService service;
    Map<String, String> env;

    @BeforeEach
    void startStub() throws IOException {
        service = new StubService();
        Map<String, String> environment = new HashMap<>(Map.of("OFFSHOOT_URL", service.url(),
                "OFFSHOOT_TOKEN", OffshootCliTest.TOKEN, "OFFSHOOT_CONFIG", dir.resolve("cli.json").toString(),
                "OFFSHOOT_RETRIES", "0"));
        environment.putAll(moreEnvironment());
        env = Map.copyOf(environment);
    }

    /** Variables a test class adds to the CLI's environment. */
    Map<String, String> moreEnvironment() {
        return Map.of();
    }

    @AfterEach
    void stopStub() {
        service.close();
    }
}
