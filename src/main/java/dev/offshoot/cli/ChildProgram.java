package dev.offshoot.cli;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Runs {@code psql} or a user's command for a branch and answers with its exit code. */
final class ChildProgram {

    private ChildProgram() {
    }

    static int run(OffshootCli root, List<String> command, Map<String, String> variables) {
        try {
            return root.host().children().run(command, variables);
        } catch (IOException e) {
            throw CliFailure.usage("cannot run '" + command.getFirst() + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCodes.UNAVAILABLE, "INTERRUPTED", "interrupted");
        }
    }
}
