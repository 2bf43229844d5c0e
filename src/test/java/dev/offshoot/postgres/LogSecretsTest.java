package dev.offshoot.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSecretsTest {

    @Test
    void aFailedPasswordStatementInAPostgresLogLosesItsPassword() {
        String log = """
                2026-12-06 08:54:45.895 UTC [16] ERROR:  role "offshoot_readonly" does not exist
                2026-12-06 08:54:45.895 UTC [16] STATEMENT:  ALTER USER "offshoot_readonly" PASSWORD 'SCRAM-SHA-256$1:9yVl==$LJU=:4zv='
                2026-12-06 08:54:46.001 UTC [17] STATEMENT:  alter role app with password 'it''s hunter2' valid until 'infinity'
                2026-12-06 08:54:46.002 UTC [18] STATEMENT:  CREATE ROLE x PASSWORD E'sec\\'r3t'
                stored md5d41d8cd98f00b204e9800998ecf8427e and SCRAM-SHA-256$4096:c2FsdA==$a:b
                """;

        String masked = LogSecrets.masked(log);

        assertThat(masked).doesNotContain("9yVl", "LJU", "hunter2", "sec", "r3t", "d41d8cd9", "c2FsdA")
                .contains("role \"offshoot_readonly\" does not exist", "PASSWORD '***'", "password '***' valid until",
                        "PASSWORD E'***'");
    }

    @Test
    void nothingElseChanges() {
        assertThat(LogSecrets.masked("LOG:  database system is ready to accept connections"))
                .isEqualTo("LOG:  database system is ready to accept connections");
        assertThat(LogSecrets.masked(null)).isEmpty();
    }
}
