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
 * Saves the service URL and a token as a context of the config file after checking them with one
 * request, and makes that context current. The token comes from a file, a hidden prompt on a
 * terminal, or the first line of piped stdin, never from an argument (arguments show up in process
 * lists and shell history).
 */
@Command(name = "login", description = {"Check and save the service URL and an API token as a context (default: 'default').",
        "The token is read from --token-file, a hidden prompt on a terminal, or the first line of stdin."})
final class LoginCommand implements Callable<Integer> {

    @ParentCommand
    OffshootCli root;

    @Option(names = "--url", required = true, description = "Service URL, e.g. http://localhost:8080")
    String url;

    @Option(names = "--token-file", description = "File holding the token")
    Path tokenFile;

    @Override
    public Integer call() throws IOException {
        String token = token();
        if (token.isEmpty()) {
            throw CliFailure.usage("no token: pass --token-file FILE, type it at the prompt or pipe it on stdin");
        }
        CliSettings settings = new CliSettings(CliSettings.stripSlash(url), token);
        new OffshootClient(settings).get("/api/v1/branches?limit=1");
        Path file = CliConfig.file(root.env());
        String name = root.context == null ? CliConfig.DEFAULT : root.context;
        CliConfig.read(file).with(name, new CliConfig.Context(settings.url(), token)).save(file);
        root.output().note("Logged in to " + settings.url() + " as context '" + name + "' (saved to " + file + ")");
        return ExitCodes.OK;
    }

    private String token() throws IOException {
        if (tokenFile != null) {
            return firstLine(Files.readString(tokenFile));
        }
        String typed = root.host().prompt().read("Token for " + url + ": ");
        return typed != null ? typed.strip() : firstLine(readStdin());
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
