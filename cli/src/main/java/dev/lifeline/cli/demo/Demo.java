package dev.lifeline.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.agent.api.Json;
import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.testkit.engine.TestEngine;
import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code lifeline demo [--engine podman|docker]}: a private engine (Podman's API service or a Docker daemon) with
 * demo stacks, the real agent, a simulated host crash (kill -9 of the agent, every container stopped, a new boot id),
 * and the recovery shown as a timeline with its checks; then a backup of a PostgreSQL stack with early resume and a
 * verified restore ({@link BackupDemo}); then a fleet on the same kind of engine ({@link FleetDemo}).
 */
public final class Demo {
    private final PrintStream out;
    private final EngineKind kind;
    private final ObjectMapper json = Json.mapper();
    private final Timeline timeline = new Timeline();
    private final BackupDemo.Step step;

    private final boolean keepFleet;

    /** @param keepFleet leave the fleet running at the end until the user presses Enter */
    public Demo(PrintStream out, EngineKind kind, boolean keepFleet) {
        this.out = out;
        this.kind = kind;
        this.keepFleet = keepFleet;
        this.step = new BackupDemo.Step(out, STEPS);
    }

    /** Six steps of crash and recovery, four of backup and verified restore, four of the fleet. */
    private static final int STEPS = 14;

    /** Runs the demo on a host that has what it needs ({@link HostSetup#ensure}). */
    public boolean run() throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("lifeline-demo-");
        Outcome host = oneHost(work);
        boolean fleet;
        try {
            fleet = new FleetDemo(out, work, kind).run(step, keepFleet);
        } catch (RuntimeException e) {
            out.println("  fleet part FAILED: " + e.getMessage());
            fleet = false;
        }
        boolean ok = host.recovered() && host.backedUp() && fleet;
        out.println();
        out.println(ok ? "Demo passed: the right stacks came back, in dependency order"
                + (host.backupSkipped() ? " (backup part skipped)" : "; the backup resumed the database early and "
                + "its restore verified") + "; the control plane told a silent host from a dead one."
                : "Demo FAILED: see the checks above and the logs in " + work);
        out.println("Next: ./lifeline --help, README.md (running the agent and the control plane for real).");
        if (ok) {
            deleteTree(work);
        }
        return ok;
    }

    /** What the one-host part (recovery, then backup and verified restore) found. */
    private record Outcome(boolean recovered, boolean backedUp, boolean backupSkipped) {}

    /** Recovery after a simulated host crash, then a backup and a verified restore, on one private engine. */
    private Outcome oneHost(Path work) throws IOException, InterruptedException {
        step("starting " + (kind == EngineKind.DOCKER ? "a private Docker daemon" : "a private Podman engine")
                + " (own storage, socket and processes; nothing else on this host is touched)");
        try (TestEngine engine = TestEngine.start(kind)) {
            Path bootId = work.resolve("boot_id");
            Files.writeString(bootId, UUID.randomUUID() + "\n");
            Path config = work.resolve("lifeline.yaml");
            Files.writeString(config, "boot-id-file: " + bootId + "\nrecovery:\n  settle-time: 1s\n"
                    + "supervision:\n  resync-interval: 1s\n" + BackupDemo.config(work));
            List<String> agentArgs = List.of("--engine", engine.socketUri().toString(), "--config", config.toString());
            Path dataDir = work.resolve("data");

            step("creating demo stacks: proxy (protected), db, app (needs db), web (needs app), notes, "
                    + "scratch (created, never started)");
            DemoStacks.create(engine);

            step("starting the agent; it learns which stacks run");
            try (AgentProcess first = AgentProcess.start(dataDir, agentArgs, Map.of())) {
                first.awaitReady(Duration.ofSeconds(60));
                awaitRunningSet(first, List.of("proxy", "db", "app", "web", "notes"));
                step("you stop 'notes' with Lifeline (lifeline stop notes): it must stay down after the crash");
                first.post("/stacks/" + DemoStacks.USER_STOPPED + "/stop");

                step("simulating a host crash: kill -9 of the agent, every container stopped, a new boot id");
                Instant crash = Instant.now();
                first.kill9();
                engine.stopAll(Duration.ofSeconds(2));
                Files.writeString(bootId, UUID.randomUUID() + "\n");
                timeline.add(crash, "host crash: agent killed with kill -9, every container stopped");
            }

            step("the host is back: starting the agent again");
            try (AgentProcess second = AgentProcess.start(dataDir, agentArgs, Map.of())) {
                timeline.add(second.startedAt(), "agent process started");
                Instant ready = second.awaitReady(Duration.ofSeconds(120));
                timeline.add(ready, "agent ready: recovery complete (GET /health/ready = 200)");
                JsonNode report = json.readTree(second.get("/recovery"));
                JsonNode stacks = json.readTree(second.get("/stacks"));
                Map<String, Instant> started = addContainerStarts(stacks, second.startedAt());
                out.println();
                out.println("Timeline (UTC):");
                out.print(timeline.render());
                out.println();
                out.println("Recovery report:");
                for (JsonNode o : report.get("outcomes")) {
                    out.printf("  %-8s %-11s %s%n", o.get("stack").asText(), o.get("kind").asText(),
                            o.get("detail").asText());
                }
                boolean recovered = check(started, stacks);
                BackupDemo backup = new BackupDemo(out, engine, work);
                boolean backedUp;
                try {
                    backedUp = backup.run(second, step);
                } catch (RuntimeException e) {
                    out.println("  backup part FAILED: " + e.getMessage());
                    backedUp = false;
                }
                second.terminate();
                return new Outcome(recovered, backedUp, backup.skipped());
            }
        }
    }

    /**
     * The demo leaves nothing behind when it passes (its engines and processes have stopped by then); a failed run
     * keeps its logs for the user to read.
     */
    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Map<String, Instant> addContainerStarts(JsonNode stacks, Instant after) {
        Map<String, Instant> firstStart = new HashMap<>();
        for (JsonNode s : stacks) {
            for (JsonNode c : s.get("containers")) {
                JsonNode at = c.get("startedAt");
                if (at != null && !at.isNull()) {
                    Instant t = Instant.parse(at.asText());
                    if (t.isAfter(after)) {
                        timeline.add(t, "container " + c.get("name").asText() + " started (stack "
                                + s.get("name").asText() + ")");
                        firstStart.merge(s.get("name").asText(), t, (a, b) -> a.isBefore(b) ? a : b);
                    }
                }
            }
        }
        return firstStart;
    }

    private boolean check(Map<String, Instant> started, JsonNode stacks) {
        Map<String, String> state = new HashMap<>();
        stacks.forEach(s -> state.put(s.get("name").asText(), s.get("state").asText()));
        List<Boolean> results = new ArrayList<>();
        out.println();
        out.println("Checks:");
        results.add(expect(List.of("proxy", "db", "app", "web").stream().allMatch(n -> "up".equals(state.get(n))),
                "proxy, db, app and web are running again"));
        results.add(expect(before(started, "db", "app") && before(started, "app", "web"),
                "db started before app, app before web (dependency order)"));
        results.add(expect("down".equals(state.get(DemoStacks.USER_STOPPED)),
                "notes stayed down: you stopped it, and a crash does not change your decision"));
        results.add(expect("down".equals(state.get(DemoStacks.NEVER_STARTED)),
                "scratch stayed down: Lifeline never saw it running"));
        return results.stream().allMatch(b -> b);
    }

    private static boolean before(Map<String, Instant> started, String first, String then) {
        return started.containsKey(first) && started.containsKey(then) && started.get(first).isBefore(started.get(then));
    }

    private boolean expect(boolean ok, String what) {
        out.println("  " + (ok ? "ok    " : "FAILED") + " " + what);
        return ok;
    }

    private void awaitRunningSet(AgentProcess agent, List<String> names) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            JsonNode stacks = json.readTree(agent.get("/stacks"));
            long known = 0;
            for (JsonNode s : stacks) {
                if (names.contains(s.get("name").asText()) && s.get("inRunningSet").asBoolean()) {
                    known++;
                }
            }
            if (known == names.size()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the agent did not record the running stacks within 30 s:\n" + agent.log());
    }

    private void step(String what) {
        step.next(what);
    }
}
