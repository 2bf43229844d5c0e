package dev.offshoot.migration;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;

/** A failed migration as a problem: which file, which statement, SQLSTATE, message, position. */
final class MigrationFailure {

    private MigrationFailure() {
    }

    static OffshootException of(FlywayMigrateException e, Path dir) {
        MigrationInfo info = e.getMigration();
        FlywaySqlScriptException script = find(e, FlywaySqlScriptException.class);
        SQLException sql = find(e, SQLException.class);
        ServerErrorMessage server = sql instanceof PSQLException p ? p.getServerErrorMessage() : null;
        String message = server != null ? server.getMessage()
                : sql != null ? sql.getMessage() : FlywayRunner.withoutPaths(e.getMessage(), dir);
        Map<String, Object> migration = new LinkedHashMap<>();
        migration.put("script", info == null ? null : Path.of(info.getScript()).getFileName().toString());
        migration.put("version", info == null || info.getVersion() == null ? null : info.getVersion().getVersion());
        migration.put("description", info == null ? null : info.getDescription());
        migration.put("statement", script == null ? null : script.getStatement());
        migration.put("line", script == null ? null : script.getLineNumber());
        migration.put("sqlState", sql == null ? e.getSqlState() : sql.getSQLState());
        migration.put("message", message);
        migration.put("position", server == null || server.getPosition() == 0 ? null : server.getPosition());
        migration.put("rolledBack", e.isExecutableInTransaction());
        List<String> appliedBefore = e.getErrorResult() == null ? List.of()
                : e.getErrorResult().getSuccessfulMigrations().stream().map(MigrationFailure::script).toList();
        return new OffshootException(Kind.UNPROCESSABLE, "MIGRATION_FAILED", "migration "
                + migration.get("script") + " failed" + (migration.get("line") == null ? "" : " at line "
                        + migration.get("line")) + ": " + message + " (SQLSTATE " + migration.get("sqlState") + ")")
                .with("migration", migration).with("appliedBefore", appliedBefore);
    }

    private static String script(MigrateOutput m) {
        return Path.of(m.filepath).getFileName().toString();
    }

    static <T> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
