package dev.offshoot.branch;

import java.time.Duration;

import org.springframework.util.unit.DataSize;

import dev.offshoot.config.LimitsProperties;
import dev.offshoot.config.RuntimeProperties;

/** Configuration for unit tests that build a {@link BranchService} around mocks. */
final class BranchServices {

    static final RuntimeProperties PROPERTIES = new RuntimeProperties("", "t1", "img", "", "/pg", "", "127.0.0.1",
            "", false, "n", 25000, 25999, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(30));

    private BranchServices() {
    }

    static BranchResources defaultResources() {
        return new BranchResources(new LimitsProperties(DataSize.ofGigabytes(1), 512, 1024, DataSize.ofGigabytes(4),
                4096));
    }
}
