package dev.offshoot.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Saves the service URL and a token to the config file after checking them with one request. The
 * token comes from a file or stdin, never from an argument (arguments show up in process lists
 * and shell history).
 */
@Command(name = "login", description = "Check and save the service URL and an API token (read from --token-file or stdin).")
final class LoginCommand implements Callable<Integer> {

    @ParentCommand
    OffshootCli root;

    @Option(names = "--url", required = true, description = "Service URL, e.g. http://localhost:8080")
    String url;

    @Option(names = "--token-file", description = "File holding the token (default: first line of stdin)")
    Path tokenFile;

    @Override
    public Integer call() throws IOException {
        String token = tokenFile != null ? firstLine(Files.readString(tokenFile)) : firstLine(readStdin());
        if (token.isEmpty()) {
            throw CliFailure.usage("no token: pass --token-file FILE or pipe the token on stdin");
        }
        CliSettings settings = new CliSettings(CliSettings.stripSlash(url), token);
        new OffshootClient(settings).get("/api/v1/branches");
        Path file = CliSettings.configFile(root.env());
        settings.save(file);
        root.output().line("Logged in to " + settings.url() + " (saved to " + file + ")");
        return ExitCodes.OK;
    }

    private String readStdin() throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(root.stdin(), StandardCharsets.UTF_8));
        String line = reader.readLine();
        return line == null ? "" : line;
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("").strip();
    }
}
