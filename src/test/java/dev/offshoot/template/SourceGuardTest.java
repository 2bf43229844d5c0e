package dev.offshoot.template;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import dev.offshoot.config.MetadataProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.config.TemplateProperties;
import dev.offshoot.web.ApiException;

class SourceGuardTest {

    final RuntimeProperties runtime = new RuntimeProperties("", "t", "img", "", "/pg", "", "127.0.0.1", "",
            54400, 54999, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(30));
    final MetadataProperties metadata = new MetadataProperties("m", "m", 54399, Duration.ofSeconds(90));

    SourceGuard guard(boolean refuse, List<String> allowed, String datasourceUrl) {
        MockEnvironment environment = new MockEnvironment();
        if (datasourceUrl != null) {
            environment.setProperty("spring.datasource.url", datasourceUrl);
        }
        return new SourceGuard(new TemplateProperties(refuse, allowed), runtime, metadata, environment);
    }

    @Test
    void everySpellingOfThisHostOnABranchPortIsRefused() {
        SourceGuard guard = guard(true, List.of(), null);
        for (String host : List.of("localhost", "127.0.0.1", "127.0.0.2", "::1", "0.0.0.0")) {
            assertThatThrownBy(() -> guard.check(SourceUrl.parse("postgresql://u:p@" + bracket(host) + ":54410/db")))
                    .as(host).isInstanceOf(ApiException.class).hasMessageContaining("branch port");
        }
    }

    @Test
    void theManagedMetadataStoreAndAnExternalOneAreRefused() {
        assertThatThrownBy(() -> guard(true, List.of(), null).check(SourceUrl.parse("postgresql://127.0.0.1:54399/x")))
                .hasMessageContaining("metadata store");
        assertThatThrownBy(() -> guard(true, List.of(), "jdbc:postgresql://localhost:6000/offshoot?ssl=false")
                .check(SourceUrl.parse("postgresql://127.0.0.1:6000/offshoot"))).hasMessageContaining("metadata store");
    }

    @Test
    void allowedHostsOtherPortsAndOtherHostsPass() {
        assertThatCode(() -> guard(true, List.of("localhost"), null)
                .check(SourceUrl.parse("postgresql://localhost:54410/db"))).doesNotThrowAnyException();
        assertThatCode(() -> guard(false, List.of(), null)
                .check(SourceUrl.parse("postgresql://127.0.0.1:54410/db"))).doesNotThrowAnyException();
        assertThatCode(() -> guard(true, List.of(), null)
                .check(SourceUrl.parse("postgresql://127.0.0.1:5432/db"))).doesNotThrowAnyException();
        assertThatCode(() -> guard(true, List.of(), null)
                .check(SourceUrl.parse("postgresql://192.0.2.10:54410/db"))).doesNotThrowAnyException();
    }

    private static String bracket(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
