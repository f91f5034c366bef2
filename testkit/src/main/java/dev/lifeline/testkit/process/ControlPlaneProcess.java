package dev.lifeline.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real control plane as a separate JVM process ({@code lifeline control} on its embedded PostgreSQL), for the
 * demo and for tests that kill or partition it. It runs on this JVM's class path, so it is exactly the code under
 * test; its output goes to a log file beside its data dir.
 */
public final class ControlPlaneProcess implements AutoCloseable {
    private final Process process;
    private final Path dataDir;
    private final Path logFile;

    private ControlPlaneProcess(Process process, Path dataDir, Path logFile) {
        this.process = process;
        this.dataDir = dataDir;
        this.logFile = logFile;
    }

    /** Starts {@code lifeline control --data-dir DIR --listen 127.0.0.1:0 ARGS...}; {@link #awaitListening} next. */
    public static ControlPlaneProcess start(Path dataDir, List<String> args) {
        try {
            if (!Files.exists(dataDir)) {
                Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Files.deleteIfExists(dataDir.resolve("control.address"));
            Path log = dataDir.resolveSibling(dataDir.getFileName() + "-control-" + System.nanoTime() + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx384m",
                    "-cp", System.getProperty("java.class.path"), AgentProcess.MAIN_CLASS,
                    "control", "--data-dir", dataDir.toString(), "--listen", "127.0.0.1:0"));
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().keySet().removeIf(k -> k.startsWith("LIFELINE_"));
            return new ControlPlaneProcess(pb.start(), dataDir, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the control plane process: " + e.getMessage(), e);
        }
    }

    /** Waits for {@code control.address} (written once the server listens); returns the base URL. */
    public String awaitListening(Duration timeout) {
        Path address = dataDir.resolve("control.address");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the control plane exited with " + process.exitValue()
                        + " before it listened:\n" + log());
            }
            try {
                if (Files.exists(address)) {
                    String url = Files.readString(address).strip();
                    if (!url.isEmpty()) {
                        return url;
                    }
                }
                Thread.sleep(50);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the control plane", e);
            }
        }
        throw new IllegalStateException("the control plane did not listen within " + timeout + ":\n" + log());
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The operator's token file ({@code admin.token}, written at the first start). */
    public Path adminTokenFile() {
        return dataDir.resolve("admin.token");
    }

    /** The first join token ({@code join.token}): it registers one host, once. */
    public Path joinTokenFile() {
        return dataDir.resolve("join.token");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM: a clean stop (leases given back, the embedded PostgreSQL shut down). Returns the exit code. */
    public int terminate() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            terminate();
        }
    }
}
