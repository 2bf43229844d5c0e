package dev.offshoot.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;
import dev.offshoot.provision.Build;
import dev.offshoot.provision.TemplateBuildException;

/**
 * Loads uploaded plain-SQL files into a build container with psql, as the template's owner role
 * with a password, as an unprivileged OS user, and with the session restricted ({@code \restrict})
 * from before the file's first line: every meta-command in the file ({@code \c}, {@code \!},
 * {@code \o}, {@code \copy}, {@code \i}, ...) then fails, and ON_ERROR_STOP ends the load.
 */
@Component
class SqlFileLoader {

    static final String REFUSED = "TEMPLATE_SOURCE_REFUSED";
    /** Runs psql as nobody: {@code \!}, were it ever reached, and peer authentication get no one. */
    private static final String LOAD_USER = "nobody";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern PSQL_LOCATION = Pattern.compile("psql:([^:\\s]+):(\\d+): ");

    private final RuntimeProperties properties;

    SqlFileLoader(RuntimeProperties properties) {
        this.properties = properties;
    }

    /** Refuses, before anything starts, a file with a meta-command at the start of a line. */
    static void refuseMetaCommands(List<Path> files, List<String> names) {
        for (int i = 0; i < files.size(); i++) {
            try {
                Optional<PsqlScript.MetaCommand> found = PsqlScript.firstMetaCommand(files.get(i));
                if (found.isPresent()) {
                    throw refused(nameOf(names, i), found.get().line(), found.get().command());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Loads the files in order; the owner's password is only good for this build. */
    void load(Build build, Template template, List<Path> files, List<String> names, String ownerPassword) {
        awaitPasswordRequired(build, template);
        for (int i = 0; i < files.size(); i++) {
            loadOne(build, template, files.get(i), nameOf(names, i), ownerPassword, i);
        }
    }

    private void loadOne(Build build, Template template, Path file, String name, String password, int loaded) {
        Path filtered = null;
        try {
            filtered = Files.createTempFile("offshoot-load-", ".sql");
            SqlOwnerFilter.copyWithoutOwnerStatements(file, filtered);
            Build.Output result = build.psql(LOAD_USER, template.ownerRole(), template.databaseName(), password,
                    List.of("-q", "-v", "ON_ERROR_STOP=1", "-c", "\\restrict " + key()), filtered,
                    properties.importTimeout());
            if (!result.succeeded()) {
                throw failure(result.output(), result.file(), name, filtered, loaded);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(filtered);
        }
    }

    private static RuntimeException failure(String output, String inContainer, String name, Path filtered,
            int loaded) throws IOException {
        Matcher at = PSQL_LOCATION.matcher(output);
        Integer line = at.find() && at.group(1).equals(inContainer) ? Integer.valueOf(at.group(2)) : null;
        if (line != null && output.contains("backslash commands are restricted")) {
            List<String> lines = Files.readAllLines(filtered, StandardCharsets.UTF_8);
            String text = line <= lines.size() ? lines.get(line - 1) : "";
            int backslash = text.indexOf('\\');
            return refused(name, line, backslash < 0 ? "(unknown)" : PsqlScript.commandOf(text.substring(backslash)));
        }
        String detail = output.strip().replace("psql:" + inContainer + ":", name + ":");
        return new TemplateSourceException("loading SQL file " + name + (line == null ? "" : " failed at line " + line)
                + " after " + loaded + " file(s) loaded: " + detail);
    }

    static OffshootException refused(String file, int line, String command) {
        return new OffshootException(Kind.UNPROCESSABLE, REFUSED, "psql meta-command " + command
                + " in " + file + " at line " + line + ": template SQL may not use psql meta-commands (they could"
                + " switch users, run programs or read and write files); plain SQL and COPY ... FROM stdin work")
                .with("file", file).with("line", line);
    }

    /**
     * Waits until the rewritten pg_hba.conf is in effect (the reload is asynchronous): a local
     * connection without a password must be refused before any user SQL runs.
     */
    private void awaitPasswordRequired(Build build, Template template) {
        Instant deadline = Instant.now().plus(properties.readyTimeout());
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            Build.Output probe = build.psql(LOAD_USER, template.ownerRole(), "postgres", null,
                    List.of("-w", "-c", "SELECT 1"), null, Duration.ofSeconds(10));
            last = probe.output();
            if (!probe.succeeded() && last.contains("no password supplied")) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new TemplateBuildException("the template's pg_hba.conf did not take effect", last.strip());
    }

    private static String key() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String nameOf(List<String> names, int index) {
        return index < names.size() ? names.get(index) : "file #" + (index + 1);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left in the temp directory harms nobody
            }
        }
    }
}
