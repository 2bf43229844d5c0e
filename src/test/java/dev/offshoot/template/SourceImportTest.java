package dev.offshoot.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class SourceImportTest {

    @Test
    void theHelperRunsInTheBuildsNetworkUnlessAnAllowedSourceIsOnThisHost() {
        SourceUrl url = SourceUrl.parse("postgresql://u:p@db.example/shop");
        CheckedSource remote = new CheckedSource(url, List.of(InetAddress.ofLiteral("198.51.100.7")), false);
        CheckedSource local = new CheckedSource(url, List.of(InetAddress.ofLiteral("127.0.0.1")), true);

        assertThat(SourceImport.onHostNetwork(remote)).isFalse();
        assertThat(SourceImport.onHostNetwork(local)).isTrue();
    }

    @Test
    void theHelpersArgumentsCarryNoSecretAndItsEnvironmentPinsTheAddress() {
        CheckedSource source = new CheckedSource(SourceUrl.parse("postgresql://u:hunter2@db.example/shop"),
                List.of(InetAddress.ofLiteral("198.51.100.7"), InetAddress.ofLiteral("2001:db8::7")), false);

        assertThat(SourceImport.SCRIPT).contains("unset PGPASSWORD PGPASSFILE PGSERVICE");
        assertThat(source.environment("SOURCE_")).containsEntry("SOURCE_PGHOST", "db.example,db.example")
                .containsEntry("SOURCE_PGHOSTADDR", "198.51.100.7,2001:db8:0:0:0:0:0:7")
                .containsEntry("SOURCE_PGPASSWORD", "hunter2");
    }

    @Test
    void theRestoreLeavesOutOnlyTheSourcesPgStatStatementsAndItsComment() {
        java.util.regex.Pattern leftOut = java.util.regex.Pattern.compile(SourceImport.LEFT_OUT);
        List<String> toc = List.of("215; 3079 16384 EXTENSION - pg_stat_statements ",
                "4250; 0 0 COMMENT - EXTENSION pg_stat_statements ",
                "216; 3079 16400 EXTENSION - pgcrypto ",
                "4251; 0 0 COMMENT - EXTENSION pgcrypto ",
                "220; 1259 16410 TABLE public pg_stat_statements app",
                "221; 1259 16411 TABLE public pg_stat_statements_history app");

        assertThat(toc.stream().filter(line -> !leftOut.matcher(line).find()))
                .containsExactly("216; 3079 16400 EXTENSION - pgcrypto ", "4251; 0 0 COMMENT - EXTENSION pgcrypto ",
                        "220; 1259 16410 TABLE public pg_stat_statements app",
                        "221; 1259 16411 TABLE public pg_stat_statements_history app");
    }
}
