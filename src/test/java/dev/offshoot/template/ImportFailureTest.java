package dev.offshoot.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;


/** The helper's messages below are pg_dump 15's and pg_restore 15's own, captured from real runs. */
class ImportFailureTest {

    final SourceUrl source = SourceUrl.parse("postgresql://app:hunter2@198.51.100.7:5432/shop");

    ImportFailure failure(String... lines) {
        return ImportFailure.of(1, String.join("\n", lines), source, Duration.ofMinutes(30));
    }

    @Test
    void whatListensOnAPortIsNeverEchoed() {
        ImportFailure refused = failure("dump: pg_dump: error: connection to server at \"198.51.100.7\", port 5432"
                + " failed: Connection refused", "dump: \tIs the server running on that host and accepting TCP/IP"
                + " connections?", "restore: pg_restore: error: input file is too short (read 0, expected 5)",
                "offshoot-import: dump=1 restore=1");
        ImportFailure timedOut = failure("dump: pg_dump: error: connection to server at \"198.51.100.7\", port 5432"
                + " failed: timeout expired", "offshoot-import: dump=1 restore=1");
        ImportFailure notPostgres = failure("dump: pg_dump: error: connection to server at \"198.51.100.7\","
                + " port 5432 failed: received invalid response to SSL negotiation: H", "offshoot-import: dump=1 restore=1");
        ImportFailure noTls = failure("dump: pg_dump: error: connection to server at \"198.51.100.7\", port 5432"
                + " failed: server does not support SSL, but SSL was required", "offshoot-import: dump=1 restore=1");

        for (ImportFailure f : new ImportFailure[] {refused, timedOut, notPostgres, noTls}) {
            assertThat(f.code()).isEqualTo("SOURCE_UNREACHABLE");
            assertThat(f.detail()).isEqualTo(refused.detail()).contains("198.51.100.7:5432")
                    .doesNotContain("refused").doesNotContain("timeout expired").doesNotContain("SSL negotiation");
            assertThat(f.retryable()).isTrue();
        }
    }

    @Test
    void aRefusedLoginSaysWhatToFixWithoutTheServersWords() {
        ImportFailure password = failure("dump: pg_dump: error: connection to server at \"198.51.100.7\", port 5432"
                + " failed: FATAL:  password authentication failed for user \"app\"", "offshoot-import: dump=1 restore=1");
        ImportFailure database = failure("dump: pg_dump: error: connection to server at \"198.51.100.7\", port 5432"
                + " failed: FATAL:  database \"shop\" does not exist", "offshoot-import: dump=1 restore=1");
        ImportFailure hba = failure("dump: pg_dump: error: connection to server at \"198.51.100.7\", port 5432"
                + " failed: FATAL:  no pg_hba.conf entry for host \"203.0.113.1\", user \"app\", database \"shop\","
                + " no encryption", "offshoot-import: dump=1 restore=1");

        assertThat(password.code()).isEqualTo("SOURCE_AUTH_FAILED");
        assertThat(password.detail()).contains("refused the login of user 'app'").doesNotContain("FATAL");
        assertThat(database.code()).isEqualTo("SOURCE_AUTH_FAILED");
        assertThat(database.detail()).contains("has no database 'shop'");
        assertThat(hba.code()).isEqualTo("SOURCE_AUTH_FAILED");
        assertThat(hba.detail()).contains("pg_hba.conf").doesNotContain("203.0.113.1");
    }

    @Test
    void aDumpThatFailsAfterConnectingIsExplainedByKind() {
        ImportFailure denied = failure("dump: pg_dump: error: query failed: ERROR:  permission denied for table secrets",
                "dump: pg_dump: detail: Query was: LOCK TABLE public.secrets IN ACCESS SHARE MODE",
                "restore: pg_restore: error: input file is too short (read 0, expected 5)",
                "offshoot-import: dump=1 restore=1");
        ImportFailure newer = failure("dump: pg_dump: error: aborting because of server version mismatch",
                "offshoot-import: dump=1 restore=1");
        ImportFailure timeout = ImportFailure.of(-1, "timed out after PT30M\n", source,
                Duration.ofMinutes(30));

        assertThat(denied.code()).isEqualTo("SOURCE_DUMP_FAILED");
        assertThat(denied.detail()).contains("permission denied").doesNotContain("secrets");
        assertThat(newer.detail()).contains("postgresVersion");
        assertThat(timeout.code()).isEqualTo("SOURCE_DUMP_FAILED");
        assertThat(timeout.detail()).contains("offshoot.runtime.import-timeout");
    }

    @Test
    void aRestoreErrorIsTheTemplatesOwnAnswerAndIsPassedOnMasked() {
        ImportFailure restore = failure("dump: pg_dump: error: could not write to output file: Broken pipe",
                "restore: pg_restore: error: could not execute query: ERROR:  extension \"postgis\" is not available",
                "restore: Command was: CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;",
                "offshoot-import: dump=1 restore=1");
        ImportFailure leaky = failure("restore: pg_restore: error: could not execute query: ERROR:  role \"x\" does"
                + " not exist: ALTER ROLE x PASSWORD 'hunter2'", "offshoot-import: dump=0 restore=1");

        assertThat(restore.code()).isEqualTo("SOURCE_RESTORE_FAILED");
        assertThat(restore.detail()).endsWith("ERROR:  extension \"postgis\" is not available");
        assertThat(leaky.detail()).doesNotContain("hunter2");
        assertThat(ImportFailure.masked("a hunter2 b", source)).isEqualTo("a *** b");
    }

    @Test
    void aHelperThatDiedWithoutItsStatusLineIsADumpFailure() {
        ImportFailure died = ImportFailure.of(137, "dump: pg_dump: error: something", source,
                Duration.ofMinutes(30));

        assertThat(died.code()).isEqualTo("SOURCE_DUMP_FAILED");
        assertThat(died.detail()).contains("exit code 137").doesNotContain("something");
    }
}
