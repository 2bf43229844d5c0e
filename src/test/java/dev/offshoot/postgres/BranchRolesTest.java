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
