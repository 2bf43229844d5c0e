package dev.offshoot.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BranchRolesTest {

    @Test
    void aPasswordTravelsAsAScramVerifierNeverAsPlaintext() {
        String sql = BranchRoles.password("app", "s3cret-plaintext");

        assertThat(sql).contains("SCRAM-SHA-256$").doesNotContain("s3cret-plaintext");
    }

    @Test
    void aGeneratedSecretGetsAOneRoundVerifierAndAShortOrHumanOneIsRefused() {
        String secret = "0123456789abcdef0123456789abcdef0123";
        String sql = BranchRoles.randomSecretPassword("postgres", secret);

        assertThat(sql).startsWith("ALTER USER \"postgres\" PASSWORD 'SCRAM-SHA-256$1:").doesNotContain(secret);
        assertThat(BranchRoles.randomSecretPassword("postgres", secret)).isNotEqualTo(sql); // a salt of its own
        assertThatThrownBy(() -> BranchRoles.randomSecretPassword("postgres", "0123456789abcdef"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BranchRoles.randomSecretPassword("postgres", "correct horse battery staple horse!"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theReadersSqlNamesOnlyQualifiedCatalogObjectsAndQuotesTheDatabaseAndOwner() {
        String sql = String.join(";\n", BranchRoles.readOnlyRole("my\"db", "app\"owner"));

        assertThat(sql).contains("pg_catalog.pg_roles", "OPERATOR(pg_catalog.=)", "pg_catalog.format(",
                "default_transaction_read_only = on", "REVOKE TEMPORARY ON DATABASE \"my\"\"db\" FROM PUBLIC",
                "ALTER DEFAULT PRIVILEGES FOR ROLE \"app\"\"owner\" GRANT SELECT ON TABLES TO \"offshoot_readers\"")
                .doesNotContain(" = '", " WITH SUPERUSER");
        assertThat(sql).contains("NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE", "NOBYPASSRLS", "LOGIN");
    }

    @Test
    void readersReadThroughGrantsNotThroughPgReadAllData() {
        String sql = String.join(";\n", BranchRoles.readOnlyRole("app", "app"));

        assertThat(sql).doesNotContain("GRANT pg_read_all_data")
                .contains("REVOKE pg_read_all_data FROM \"offshoot_readonly\"",
                        "GRANT \"offshoot_readers\" TO \"offshoot_readonly\"",
                        "GRANT SELECT ON ALL TABLES IN SCHEMA %I TO \"offshoot_readers\"");
    }

    @Test
    void nobodyButTheOwnerCreatesOrWritesALargeObject() {
        String sql = String.join(";\n", BranchRoles.readerGrants("app", "owner"));

        for (String function : java.util.List.of("lo_creat(integer)", "lo_create(oid)", "lo_from_bytea(oid, bytea)",
                "lowrite(integer, bytea)", "lo_put(oid, bigint, bytea)")) {
            assertThat(sql).contains("REVOKE EXECUTE ON FUNCTION pg_catalog." + function + " FROM PUBLIC",
                    "GRANT EXECUTE ON FUNCTION pg_catalog." + function + " TO \"owner\"");
        }
        // server-side file access stays the superuser's: never granted to the owner
        assertThat(sql).doesNotContain("lo_import", "lo_export");
    }

    @Test
    void aTokensReaderIsAMemberOfTheGroupWithLimitsAndAOneRoundVerifier() {
        String secret = "0123456789abcdef0123456789abcdef0123";
        String sql = String.join(";\n", BranchRoles.tokenReader("offshoot_ro_0123456789abcdef", secret,
                new BranchRoles.ReaderLimits(600_000, 300_000, 7)));

        assertThat(sql).contains("GRANT \"offshoot_readers\" TO \"offshoot_ro_0123456789abcdef\"",
                "CONNECTION LIMIT 7", "SET statement_timeout = 600000", "SET idle_in_transaction_session_timeout = 300000",
                "PASSWORD 'SCRAM-SHA-256$1:").doesNotContain(secret);
        assertThatThrownBy(() -> BranchRoles.tokenReader("app", secret, new BranchRoles.ReaderLimits(1, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void offshootsCatalogSessionsPinTheSearchPathAtConnectTime() {
        assertThat(PostgresConnections.pinned("app", "pw").getProperty("options"))
                .isEqualTo("-c search_path=pg_catalog");
        assertThat(PostgresConnections.pinned("app", "pw").getProperty("ApplicationName")).isEqualTo("offshoot");
    }
}
