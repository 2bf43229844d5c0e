package dev.offshoot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the figures were measured on. */
final class Machine {

    private Machine() {
    }

    static String describe(String storagePath) {
        return String.format(Locale.ROOT, "machine: %d cores, %s RAM, kernel %s, docker %s (%s), storage path %s: %s",
                Runtime.getRuntime().availableProcessors(), memory(), Shell.run("uname", "-r"),
                Shell.run("docker", "version", "--format", "{{.Server.Version}}"),
                Shell.run("docker", "info", "--format", "{{.Driver}} on {{.DockerRootDir}}"), storagePath,
                Files.isDirectory(Path.of(storagePath)) ? Shell.run("stat", "-f", "-c", "%T", storagePath)
                        : "absent");
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Stats.bytes(Long.parseLong(l.replaceAll("\\D", "")) * 1024)).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
