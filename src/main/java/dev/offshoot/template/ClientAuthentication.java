package dev.offshoot.template;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The build container's {@code pg_hba.conf}, written before any user SQL runs and inherited by
 * every branch of the template through its image. initdb's defaults (and the official images')
 * trust every local connection, which would let a loaded script switch to the superuser.
 */
final class ClientAuthentication {

    /**
     * The only rules. {@code peer} for postgres admits just whoever runs as the OS user postgres
     * inside the container, i.e. only Offshoot through the engine; everybody else needs a password.
     */
    static final List<String> RULES = List.of(
            "local all postgres peer",
            "local all all scram-sha-256",
            "host all all all scram-sha-256");

    private ClientAuthentication() {
    }

    /** Replaces the server's pg_hba.conf with {@link #RULES} and asks the server to reload it. */
    static void lockDown(Connection admin) throws SQLException {
        try (Statement st = admin.createStatement()) {
            String file;
            try (ResultSet rs = st.executeQuery("SELECT pg_catalog.current_setting('hba_file')")) {
                rs.next();
                file = rs.getString(1);
            }
            st.execute("COPY (SELECT pg_catalog.unnest(ARRAY[" + String.join(", ", RULES.stream()
                    .map(ClientAuthentication::literal).toList()) + "])) TO " + literal(file));
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_catalog.pg_hba_file_rules"
                    + " WHERE error IS NOT NULL OR auth_method = 'trust'")) {
                rs.next();
                if (rs.getLong(1) != 0) {
                    throw new SQLException("the written pg_hba.conf has errors or trust rules");
                }
            }
            st.execute("SELECT pg_catalog.pg_reload_conf()");
        }
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
