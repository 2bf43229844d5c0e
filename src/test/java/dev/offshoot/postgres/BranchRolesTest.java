package dev.offshoot.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BranchRolesTest {

    @Test
    void aPasswordTravelsAsAScramVerifierNeverAsPlaintext() {
        String sql = BranchRoles.password("app", "s3cret-plaintext");

        assertThat(sql).contains("SCRAM-SHA-256$").doesNotContain("s3cret-plaintext");
    }

    @Test
    void theReadOnlyRoleSqlNamesOnlyQualifiedCatalogObjectsAndQuotesTheDatabase() {
        String sql = String.join(";\n", BranchRoles.readOnlyRole("my\"db"));

        assertThat(sql).contains("pg_catalog.pg_roles", "OPERATOR(pg_catalog.=)", "GRANT pg_read_all_data TO",
                "default_transaction_read_only = on", "REVOKE TEMPORARY ON DATABASE \"my\"\"db\" FROM PUBLIC")
                .doesNotContain(" = '", " WITH SUPERUSER");
        assertThat(sql).contains("NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE", "NOBYPASSRLS", "LOGIN");
    }

    @Test
    void offshootsCatalogSessionsPinTheSearchPathAtConnectTime() {
        assertThat(PostgresConnections.pinned("app", "pw").getProperty("options"))
                .isEqualTo("-c search_path=pg_catalog");
        assertThat(PostgresConnections.pinned("app", "pw").getProperty("ApplicationName")).isEqualTo("offshoot");
    }
}
