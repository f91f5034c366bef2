package dev.lifeline.testkit.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real agent as a separate JVM process ({@code lifeline agent}), for kill -9 tests, benchmarks and the demo.
 * It runs on this JVM's class path, so it is exactly the code under test.
 */
public final class AgentProcess implements AutoCloseable {
    public static final String MAIN_CLASS = "dev.lifeline.cli.Main";
    private final Process process;
    private final Path dataDir;
    private final Path logFile;
    private final Instant startedAt;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private AgentProcess(Process process, Path dataDir, Path logFile, Instant startedAt) {
        this.process = process;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.startedAt = startedAt;
    }

    /**
     * Starts {@code lifeline agent --data-dir DIR --listen 127.0.0.1:0 ARGS...} on this JVM's class path, with extra
     * environment (for example {@code LIFELINE_CRASH_AT}); output goes to a log file beside the data dir.
     */
    public static AgentProcess start(Path dataDir, List<String> args, Map<String, String> env) {
        List<String> launcher = List.of(javaBinary(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                MAIN_CLASS);
        return spawn(launcher, dataDir, args, env);
    }

    /**
     * Starts the agent the way a user runs it: {@code java JVM_OPTIONS -jar lifeline.jar agent ...}, for benchmarks
     * that must measure the shipped launch, not the test class path.
     */
    public static AgentProcess startJar(Path jar, List<String> jvmOptions, Path dataDir, List<String> args,
            Map<String, String> env) {
        List<String> launcher = new ArrayList<>();
        launcher.add(javaBinary());
        launcher.addAll(jvmOptions);
        launcher.addAll(List.of("-jar", jar.toString()));
        return spawn(launcher, dataDir, args, env);
    }

    /**
     * Starts the agent through a launcher script, {@code SCRIPT agent ...} (the repo's {@code ./lifeline}), which
     * picks the JDK, the JVM options and the class archive itself.
     */
    public static AgentProcess startScript(Path script, Path dataDir, List<String> args, Map<String, String> env) {
        return spawn(List.of(script.toString()), dataDir, args, env);
    }

    /** The JVM options a user's agent runs with: {@code packaging/jvm.options}, one per line, # comments. */
    public static List<String> shippedJvmOptions(Path repoRoot) {
        try {
            return Files.readAllLines(repoRoot.resolve("packaging/jvm.options")).stream().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read packaging/jvm.options: " + e.getMessage(), e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static AgentProcess spawn(List<String> launcher, Path dataDir, List<String> args,
            Map<String, String> env) {
        try {
            if (!Files.exists(dataDir)) {
                Files.createDirectories(dataDir,
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            }
            Files.deleteIfExists(dataDir.resolve("crash-point.reached"));
            Files.deleteIfExists(dataDir.resolve("agent.address"));
            Path logFile = dataDir.resolveSibling(dataDir.getFileName() + "-agent-" + System.nanoTime() + ".log");
            List<String> command = new ArrayList<>(launcher);
            command.addAll(List.of("agent", "--data-dir", dataDir.toString(), "--listen", "127.0.0.1:0"));
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.environment().keySet().removeIf(k -> k.startsWith("LIFELINE_"));
            pb.environment().putAll(env);
            Instant started = Instant.now();
            return new AgentProcess(pb.start(), dataDir, logFile, started);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the agent process: " + e.getMessage(), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code /health/ready} answers 200; fails with the agent's log when it exits or times out. */
    public Instant awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("agent exited with " + process.exitValue() + " before ready:\n" + log());
            }
            try {
                if (Files.exists(dataDir.resolve("agent.address")) && getStatus("/health/ready") == 200) {
                    return Instant.now();
                }
            } catch (IOException e) {
                // not listening yet
            }
            pause(50);
        }
        throw new IllegalStateException("agent not ready within " + timeout + ":\n" + log());
    }

    /** Waits until the agent stops dead at its armed crash point; returns the point's name. */
    public String awaitCrashPoint(Duration timeout) {
        Path reached = dataDir.resolve("crash-point.reached");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(reached)) {
                try {
                    return Files.readString(reached).trim();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("agent exited before its crash point:\n" + log());
            }
            pause(20);
        }
        throw new IllegalStateException("crash point not reached within " + timeout + ":\n" + log());
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed that was not already durable. */
    public void kill9() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        waitExit();
        // The agent's children (restic, btrfs, cp) end with it: one left running would go on writing the repository
        // or a staging folder behind the next agent's back.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        List<ProcessHandle> alive = children;
        while (!(alive = alive.stream().filter(ProcessHandle::isAlive).toList()).isEmpty()
                && Instant.now().isBefore(deadline)) {
            pause(20);
        }
        if (!alive.isEmpty()) {
            String survivors = alive.stream().map(h -> h.pid() + " " + h.info().commandLine().orElse("?"))
                    .collect(java.util.stream.Collectors.joining("; "));
            alive.forEach(ProcessHandle::destroyForcibly);
            throw new IllegalStateException("the killed agent left child processes running: " + survivors);
        }
    }

    /** SIGTERM: the agent's clean shutdown. Returns the exit code. */
    public int terminate() {
        process.destroy();
        return waitExit();
    }

    private int waitExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the agent to exit", e);
        }
    }

    /**
     * Waits until a line of the agent's log holds one of {@code needles}, and returns that line. Reads only what was
     * appended since the last look, every {@code pollMillis}: nothing of the agent's own works for it, unlike a
     * request to its API, so a benchmark can wait for a job without taking CPU from it.
     */
    public String awaitLogLine(Duration timeout, long pollMillis, String... needles) {
        List<String> wanted = List.of(needles);
        Instant deadline = Instant.now().plus(timeout);
        long offset = 0;
        StringBuilder pending = new StringBuilder();
        while (Instant.now().isBefore(deadline)) {
            try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
                long length = file.length();
                if (length > offset) {
                    byte[] added = new byte[(int) (length - offset)];
                    file.seek(offset);
                    file.readFully(added);
                    offset = length;
                    pending.append(new String(added, StandardCharsets.UTF_8));
                    int end;
                    while ((end = pending.indexOf("\n")) >= 0) {
                        String line = pending.substring(0, end);
                        pending.delete(0, end + 1);
                        if (wanted.stream().anyMatch(line::contains)) {
                            return line;
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the agent's log " + logFile + ": " + e.getMessage(), e);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("agent exited before logging any of " + wanted + ":\n" + log());
            }
            pause(pollMillis);
        }
        throw new IllegalStateException("the agent logged none of " + wanted + " within " + timeout + ":\n" + log());
    }

    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public int getStatus(String path) throws IOException {
        return send(HttpRequest.newBuilder(base().resolve(path)).GET()).statusCode();
    }

    /** GET with the bearer token; returns the body, failing on a non-2xx status. */
    public String get(String path) {
        return checked(HttpRequest.newBuilder(base().resolve(path)).GET());
    }

    /** POST with the bearer token and no body; returns the response. */
    public HttpResponse<String> post(String path) throws IOException {
        return send(HttpRequest.newBuilder(base().resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** POSTs a JSON body; the answer whatever its status. */
    public HttpResponse<String> post(String path, String json) {
        try {
            return send(HttpRequest.newBuilder(base().resolve(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String checked(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = send(request);
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("agent answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            String token = Files.readString(dataDir.resolve("api.token")).trim();
            return http.send(request.header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public URI base() {
        try {
            return URI.create(Files.readString(dataDir.resolve("agent.address")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("agent has not written its address yet", e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            terminate();
        }
    }
}
