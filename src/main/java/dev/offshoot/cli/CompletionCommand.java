package dev.offshoot.cli;

import java.util.concurrent.Callable;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code offshoot completion}: picocli's bash (and zsh, through bashcompinit) completion script for every command. */
@Command(name = "completion", description = {"Print the shell completion script (bash; zsh with bashcompinit).",
        "Use: source <(offshoot completion)   or save it to /etc/bash_completion.d/offshoot"})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("offshoot", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
