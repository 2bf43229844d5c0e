package dev.offshoot.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * pgjdbc's connection setup (connect, SELECT 1, close), timed in a JVM of its own, as a client on
 * another machine would be: the benchmark's own JVM also runs the service and its gateway, and a
 * client there would share their threads, heap and JIT. Prints one setup's time in nanoseconds a
 * line, the first 20 (warm-up) left out. User and password come in PGUSER and PGPASSWORD.
 */
final class JdbcSetups {

    private static final int WARM_UP = 20;

    private JdbcSetups() {
    }

    public static void main(String[] args) throws SQLException {
        String url = args[0];
        int count = Integer.parseInt(args[1]);
        Properties props = new Properties();
        props.setProperty("user", System.getenv("PGUSER"));
        props.setProperty("password", System.getenv("PGPASSWORD"));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count + WARM_UP; i++) {
            long start = System.nanoTime();
            try (Connection c = DriverManager.getConnection(url, props); Statement st = c.createStatement()) {
                st.execute("SELECT 1");
            }
            if (i >= WARM_UP) {
                out.append(System.nanoTime() - start).append('\n');
            }
        }
        System.out.print(out);
    }

    /** Runs {@code count} setups against {@code url} in a new JVM on this one's class path. */
    static Stats inOwnJvm(String url, String user, String password, int count) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                JdbcSetups.class.getName(), url, String.valueOf(count)));
        String output = Shell.run(Map.of("PGUSER", user, "PGPASSWORD", password), command.toArray(String[]::new));
        Stats stats = new Stats();
        output.lines().filter(l -> l.matches("\\d+")).forEach(l -> stats.add(Long.parseLong(l)));
        if (stats.count() != count) {
            throw new IllegalStateException("pgjdbc setups in a JVM of their own failed: " + output);
        }
        return stats;
    }
}
