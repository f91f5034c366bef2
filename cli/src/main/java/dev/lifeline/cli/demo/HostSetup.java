package dev.lifeline.cli.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Makes sure Podman is installed, running the repository's scripts/setup-host when it can. */
final class HostSetup {
    private HostSetup() {}

    static void ensurePodman(PrintStream out) throws IOException, InterruptedException {
        if (onPath("podman") && onPath("busybox")) {
            return;
        }
        String home = System.getenv("LIFELINE_HOME");
        Path script = home == null ? null : Path.of(home, "scripts", "setup-host");
        if (script == null || !Files.isExecutable(script)) {
            throw new IllegalStateException("podman is not installed; install podman, runc and busybox-static "
                    + "(or run scripts/setup-host from the Lifeline repository as root)");
        }
        out.println("[setup] installing podman, runc, busybox-static... with " + script);
        Process p = new ProcessBuilder(script.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(script + " failed (exit " + p.exitValue() + "); see its output above");
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
