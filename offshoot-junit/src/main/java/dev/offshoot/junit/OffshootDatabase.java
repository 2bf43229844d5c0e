package dev.offshoot.junit;

import javax.sql.DataSource;

/**
 * The branch a test runs against: its name and how to connect (the owner role, with its password).
 *
 * @param name     the branch's name on the service
 * @param jdbcUrl  {@code jdbc:postgresql://host:port/database}
 * @param uri      the libpq URI with the credentials in it
 */
public record OffshootDatabase(String name, String jdbcUrl, String user, String password, String uri) {

    /** Connections as the branch's owner, through the PostgreSQL JDBC driver on the test's class path. */
    public DataSource dataSource() {
        return new BranchDataSource(jdbcUrl, user, password);
    }

    @Override
    public String toString() {
        // a test report may print a parameter: never its password
        return "OffshootDatabase[name=" + name + ", jdbcUrl=" + jdbcUrl + ", user=" + user + "]";
    }
}
