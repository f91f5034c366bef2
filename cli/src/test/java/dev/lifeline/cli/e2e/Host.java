package dev.lifeline.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.agent.api.Json;
import dev.lifeline.agent.engine.DockerEngine;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.testkit.engine.TestEngine;
import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A test host: a private real engine (Podman or Docker), a boot id the test can change (a simulated reboot), a data dir and
 * config for the real agent process, and helpers to read what the engine and the agent say.
 */
final class Host implements AutoCloseable {
    private static final ObjectMapper JSON = Json.mapper();
    final TestEngine engine;
    final Path dir;
    final Path dataDir;
    final Path bootId;
    final Path config;
    private final DockerEngine adapter;
    private final List<AgentProcess> agents = new ArrayList<>();

    Host(TestEngine engine, String extraConfig) {
        this.engine = engine;
        try {
            dir = Files.createTempDirectory("lifeline-e2e-");
            dataDir = dir.resolve("data");
            bootId = dir.resolve("boot_id");
            Files.writeString(bootId, UUID.randomUUID() + "\n");
            config = dir.resolve("lifeline.yaml");
            Files.writeString(config, "boot-id-file: " + bootId + "\n" + extraConfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        adapter = new DockerEngine(engine.socketUri());
    }

    /** Creates a container (not started) with labels and an idle command that exits 143 on SIGTERM. */
    void create(String name, Map<String, String> labels) {
        create(name, labels, List.of(), TestEngine.IDLE_COMMAND);
    }

    void create(String name, Map<String, String> labels, List<String> options, List<String> command) {
        List<String> args = new ArrayList<>(List.of("create", "--name", name, "--network", "none"));
        labels.forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
        args.addAll(options);
        args.add(engine.busyboxImage());
        args.addAll(command);
        engine.cli(args.toArray(String[]::new));
    }

    void start(String... names) {
        for (String n : names) {
            engine.cli("start", n);
        }
    }

    AgentProcess agent() {
        return agent(Map.of());
    }

    /** Starts the real agent process; {@code env} may arm a crash point ({@code LIFELINE_CRASH_AT}). */
    AgentProcess agent(Map<String, String> env) {
        AgentProcess a = AgentProcess.start(dataDir,
                List.of("--engine", engine.socketUri().toString(), "--config", config.toString()), env);
        agents.add(a);
        return a;
    }

    /** A host crash: the agent dies without a word, every container stops, the next boot has a new boot id. */
    void crashAndReboot(AgentProcess agent) {
        agent.kill9();
        engine.stopAll(Duration.ofSeconds(2));
        try {
            Files.writeString(bootId, UUID.randomUUID() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ContainerInfo container(String name) {
        return adapter.inspect(name).orElseThrow(() -> new AssertionError("no container " + name));
    }

    boolean isRunning(String name) {
        return container(name).isUp();
    }

    Instant startedAt(String name) {
        return container(name).startedAt().orElseThrow(() -> new AssertionError(name + " never started"));
    }

    /** The agent's stack report, by stack name. */
    static Map<String, JsonNode> stacks(AgentProcess agent) {
        Map<String, JsonNode> out = new HashMap<>();
        json(agent.get("/stacks")).forEach(s -> out.put(s.get("name").asText(), s));
        return out;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Outcome kind per stack from the last recovery report. */
    static Map<String, String> outcomes(AgentProcess agent) {
        Map<String, String> out = new HashMap<>();
        json(agent.get("/recovery")).get("outcomes").forEach(o ->
                out.put(o.get("stack").asText(), o.get("kind").asText() + ": " + o.get("detail").asText()));
        return out;
    }

    static void await(Duration timeout, String what, java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    List<AgentProcess> agents() {
        return agents;
    }

    String agentLogs() {
        StringBuilder out = new StringBuilder();
        agents.forEach(a -> out.append("---- agent pid ").append(a.pid()).append('\n').append(a.log()));
        return out.toString();
    }

    @Override
    public void close() {
        agents.forEach(AgentProcess::close);
        adapter.close();
        engine.removeAllContainers();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp dir is not worth failing a test for
        }
    }
}
