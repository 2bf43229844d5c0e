package dev.offshoot.branch;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import tools.jackson.databind.JsonNode;

/** JDBC against a branch, using the connection details the API returned. */
public final class BranchTestSupport {

    private BranchTestSupport() {
    }

    public static Connection connect(JsonNode branch) throws SQLException {
        JsonNode c = branch.get("connection");
        return DriverManager.getConnection(c.get("jdbcUrl").asString(), c.get("user").asString(),
                c.get("password").asString());
    }

    public static void sql(JsonNode branch, String sql) {
        try (Connection conn = connect(branch); Statement st = conn.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    public static long count(JsonNode branch, String query) throws SQLException {
        try (Connection conn = connect(branch); Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static java.util.List<String> tables(JsonNode branch) throws SQLException {
        java.util.List<String> names = new java.util.ArrayList<>();
        try (Connection conn = connect(branch); Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

}
