package dev.offshoot.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code offshoot diff NAME}: the branch's schema against its parent, another branch or a template revision. */
@Command(name = "diff", description = "Schema diff of a branch against its parent (default), another branch or a template revision.")
final class DiffCommand implements Callable<Integer> {

    @ParentCommand
    OffshootCli root;

    @Parameters(paramLabel = "NAME", description = "Branch name")
    String name;

    @Option(names = "--against", paramLabel = "BRANCH", description = "Compare with this branch")
    String against;

    @Option(names = "--template", description = "Compare with this template")
    String template;

    @Option(names = "--revision", description = "Revision of --template (default: the branch's own or latest)")
    Integer revision;

    @Override
    public Integer call() {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        if (against != null) {
            params.add(Map.entry("against", against));
        }
        if (template != null) {
            params.add(Map.entry("template", template));
        }
        if (revision != null) {
            params.add(Map.entry("revision", revision.toString()));
        }
        Output output = root.output();
        String path = "/api/v1/branches/" + OffshootClient.enc(name) + "/diff";
        if (output.structured()) {
            output.printData(root.client().get(path + OffshootClient.query(params)));
        } else {
            params.add(Map.entry("format", "text"));
            String diff = root.client().getText(path + OffshootClient.query(params)).stripTrailing();
            output.note(diff);
        }
        return ExitCodes.OK;
    }
}
