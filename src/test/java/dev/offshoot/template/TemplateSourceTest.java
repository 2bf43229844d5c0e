package dev.offshoot.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class TemplateSourceTest {

    @Test
    void aRevisionsSourceNeverShowsThePasswordHoweverItsParameterIsSpelled() {
        for (String url : List.of("postgresql://db/shop?pass%77ord=hunter2", "postgresql://db/shop?PASSWORD=hunter2",
                "postgresql://db/shop?%70assword=hunter2&sslmode=require")) {
            assertThat(TemplateSource.url(url).describe(List.of())).as(url).startsWith("import from postgresql://db")
                    .doesNotContain("hunter2");
        }
    }
}
