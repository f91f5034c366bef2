package dev.lifeline.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.cli.Table;
import dev.lifeline.cli.fleet.ControlClient;
import dev.lifeline.cli.fleet.ControlPages;
import dev.lifeline.cli.fleet.FleetTables;
import dev.lifeline.control.auth.TokenFiles;
import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.testkit.engine.TestEngine;
import dev.lifeline.testkit.process.AgentProcess;
import dev.lifeline.testkit.process.ControlPlaneProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The demo's fleet part: a control plane on its embedded PostgreSQL ({@code lifeline control}, a process of its own)
 * and two hosts on this machine (two agents, each with its own data dir and private engine of the demo's kind) that join it;
 * then one agent is killed: the host turns unreachable and its workloads missing (never stopped: silence is not
 * death), and when the agent is back the host is online at its first heartbeat and its workloads restored at once.
 * The audit log says what the control plane inferred, and why.
 */
final class FleetDemo {
    /** Short on purpose, so the demo shows in seconds what takes 90 s by default. */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    static final Duration UNREACHABLE_AFTER = Duration.ofSeconds(4);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final PrintStream out;
    private final Path work;
    private final EngineKind kind;
    private final List<Boolean> checks = new ArrayList<>();

    FleetDemo(PrintStream out, Path work, EngineKind kind) {
        this.out = out;
        this.work = work;
        this.kind = kind;
    }

    /** The host names and their stacks. */
    private static final Map<String, List<String>> HOSTS = Map.of("host-a", List.of("shop", "blog"),
            "host-b", List.of("photos", "wiki"));

    boolean run(BackupDemo.Step step, boolean keepRunning) throws IOException, InterruptedException {
        step.next("a fleet: a control plane on its embedded PostgreSQL (lifeline control, a process of its own; "
                + "heartbeats every " + HEARTBEAT.toSeconds() + " s, a host silent for " + UNREACHABLE_AFTER.toSeconds()
                + " s turns unreachable)");
        try (ControlPlaneProcess control = ControlPlaneProcess.start(work.resolve("control"), List.of(
                "--heartbeat-interval", HEARTBEAT.toSeconds() + "s",
                "--unreachable-after", UNREACHABLE_AFTER.toSeconds() + "s",
                "--failover-grace", UNREACHABLE_AFTER.toSeconds() + "s",
                "--monitor-interval", "1s"))) {
            String url = control.awaitListening(Duration.ofMinutes(3));
            ControlClient client = new ControlClient(URI.create(url + "/"),
                    Files.readString(control.adminTokenFile()).strip(), null);
            step.next("two hosts join it: two agents on this machine, each with its own data dir and private "
                    + (kind == EngineKind.DOCKER ? "Docker daemon" : "Podman service")
                    + ", each with a one-time join token; host-a runs shop and blog, host-b photos and wiki");
            try (TestEngine engineA = TestEngine.start(kind); TestEngine engineB = TestEngine.start(kind)) {
                createStacks(engineA, HOSTS.get("host-a"));
                createStacks(engineB, HOSTS.get("host-b"));
                Path tokenB = work.resolve("host-b.join-token");
                ControlClient.Reply minted = client.post("v1/teams/default/join-tokens",
                        client.json().createObjectNode().put("name", "demo-host-b"));
                if (!minted.ok()) {
                    throw new IllegalStateException("the control plane minted no join token: " + minted.error());
                }
                TokenFiles.write(tokenB, minted.body().get("token").asText());
                List<String> argsA = agentArgs(engineA, url, control.joinTokenFile(), "host-a");
                List<String> argsB = agentArgs(engineB, url, tokenB, "host-b");
                try (AgentProcess agentA = AgentProcess.start(work.resolve("host-a"), argsA, Map.of());
                        AgentProcess agentB = AgentProcess.start(work.resolve("host-b"), argsB, Map.of())) {
                    awaitFleet(client, "both hosts online, every workload running",
                            hostIs("host-a", "online").and(hostIs("host-b", "online")), "running", "running");
                    print(client);

                    step.next("host-b's agent is killed (kill -9): its heartbeats stop. After " +
                            UNREACHABLE_AFTER.toSeconds() + " s of silence the control plane marks host-b unreachable "
                            + "and its workloads missing: not stopped, since a silent host may still run them");
                    Instant killed = Instant.now();
                    agentB.kill9();
                    Instant seen = awaitFleet(client, "host-b unreachable, its workloads missing",
                            hostIs("host-b", "unreachable"), "running", "missing");
                    print(client);
                    long detectMs = Duration.between(killed, seen).toMillis();

                    step.next("host-b's agent starts again: the host is online at its first heartbeat, and its "
                            + "workloads are restored at once (not at the next pass), from what the host reports");
                    try (AgentProcess back = AgentProcess.start(work.resolve("host-b"), argsB, Map.of())) {
                        Instant started = back.startedAt();
                        Instant restored = awaitFleet(client, "host-b online again, its workloads running",
                                hostIs("host-b", "online"), "running", "running");
                        print(client);
                        List<JsonNode> audit = ControlPages.collect(client, "v1/audit", "events", "before", 200,
                                200);
                        out.println();
                        out.println("Audit log (lifeline audit): every change the control plane inferred, and why:");
                        out.print(indent(Table.render(FleetTables.audit(audit))));
                        out.println();
                        out.println("Fleet checks:");
                        expect(detectMs <= UNREACHABLE_AFTER.toMillis() + 3_000, "host-b was marked unreachable "
                                + detectMs + " ms after its agent died (threshold " + UNREACHABLE_AFTER.toMillis()
                                + " ms, plus a heartbeat and a pass)");
                        expect(audit.stream().noneMatch(e -> "host-b".equals(e.path("hostname").asText())
                                && "stopped".equals(e.path("afterStatus").asText())),
                                "host-b's workloads went missing, and were never recorded as stopped");
                        expect(audit.stream().filter(e -> "host-b".equals(e.path("hostname").asText())
                                && "workload_missing".equals(e.path("action").asText())).count() == 2,
                                "each of host-b's two workloads has its audited change to missing");
                        out.println("  info   host-b's workloads were running again "
                                + Duration.between(started, restored).toMillis() + " ms after its agent started (a JVM"
                                + " start, the agent's own recovery, one heartbeat)");
                        out.println();
                        if (keepRunning) {
                            out.println("The dashboard: " + url + "/ (the operator's token is in "
                                    + control.adminTokenFile() + "). The fleet keeps running until you press Enter; "
                                    + "then the demo cleans up.");
                            waitForEnter();
                        } else {
                            out.println("The dashboard was served at " + url + "/ while the fleet ran: ./lifeline "
                                    + "demo --keep-fleet keeps the fleet and its dashboard until you press Enter, and "
                                    + "'lifeline control' runs a control plane for real.");
                        }
                        back.terminate();
                    }
                    agentA.terminate();
                }
            }
            control.terminate();
        }
        return checks.stream().allMatch(b -> b);
    }

    private void createStacks(TestEngine engine, List<String> stacks) {
        for (String stack : stacks) {
            engine.runContainer(stack, Map.of("lifeline.stack", stack), TestEngine.IDLE_COMMAND.toArray(
                    String[]::new));
        }
    }

    private List<String> agentArgs(TestEngine engine, String url, Path joinToken, String name) throws IOException {
        Path config = work.resolve(name + ".yaml");
        Files.writeString(config, "control-plane:\n  host-name: " + name + "\n");
        return List.of("--engine", engine.socketUri().toString(), "--config", config.toString(),
                "--control-plane", url, "--join-token", joinToken.toString());
    }

    private static Predicate<List<JsonNode>> hostIs(String host, String status) {
        return hosts -> hosts.stream().anyMatch(h -> host.equals(h.path("hostname").asText())
                && status.equals(h.path("status").asText()));
    }

    /**
     * Waits until the hosts match {@code hosts}, host-a's workloads all have {@code statusA} and host-b's all
     * {@code statusB}; returns when it saw that.
     */
    private Instant awaitFleet(ControlClient client, String what, Predicate<List<JsonNode>> hosts, String statusA,
            String statusB) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            List<JsonNode> hostRows = ControlPages.collect(client, "v1/hosts", "hosts", "after", 100, 100);
            List<JsonNode> workloads = ControlPages.collect(client, "v1/workloads", "workloads", "after", 100, 100);
            if (hosts.test(hostRows) && allOf(workloads, "host-a", statusA) && allOf(workloads, "host-b", statusB)) {
                return Instant.now();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the fleet did not reach '" + what + "' within " + WAIT.toSeconds() + " s");
    }

    private static boolean allOf(List<JsonNode> workloads, String host, String status) {
        List<JsonNode> mine = workloads.stream().filter(w -> host.equals(w.path("hostname").asText())).toList();
        return mine.size() == HOSTS.get(host).size()
                && mine.stream().allMatch(w -> status.equals(w.path("status").asText()));
    }

    private void print(ControlClient client) {
        Instant now = Instant.now();
        out.print(indent(Table.render(FleetTables.hosts(ControlPages.collect(client, "v1/hosts", "hosts", "after",
                100, 100), now))));
        out.print(indent(Table.render(FleetTables.workloads(ControlPages.collect(client, "v1/workloads", "workloads",
                "after", 100, 100), now))));
    }

    private static String indent(String table) {
        return table.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
    }

    private void expect(boolean ok, String what) {
        out.println("  " + (ok ? "ok    " : "FAILED") + " " + what);
        checks.add(ok);
    }

    private static void waitForEnter() throws IOException {
        while (true) {
            int c = System.in.read();
            if (c == -1 || c == '\n') {
                return;
            }
        }
    }
}
