package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.agent.fault.HaltingCrashPoints;
import dev.lifeline.core.fault.CrashPoint;
import dev.lifeline.testkit.process.AgentProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kill -9 of the real agent process at every named crash point of recovery, stop and start (on Docker, at those that
 * leave the engine half way: {@link OnEachEngine#crashPoints}); after a restart the host converges: the right stacks
 * run, the user's decisions hold, and no operation marker is left open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashPointTest extends OnEachEngine {
    private static final Duration REACH = Duration.ofSeconds(60);

    List<String> recoveryPoints() {
        return crashPoints(CrashPoint.RECOVERY);
    }

    List<String> stopPoints() {
        return crashPoints(CrashPoint.STOP);
    }

    List<String> startPoints() {
        return crashPoints(CrashPoint.START);
    }

    private static Host hostWithStacks() {
        Host host = new Host(engine, "recovery:\n  settle-time: 300ms\n");
        host.create("db", Map.of("lifeline.stack", "db"));
        host.create("app", Map.of("lifeline.stack", "app", "lifeline.depends-on", "db"));
        host.create("web", Map.of("lifeline.stack", "web", "lifeline.depends-on", "app"));
        host.create("notes", Map.of("lifeline.stack", "notes"));
        host.start("db", "app", "web", "notes");
        return host;
    }

    private static AgentProcess readyAgent(Host host) {
        return readyAgent(host, 4);
    }

    private static Map<String, String> crashAt(String point) {
        return Map.of(HaltingCrashPoints.ENV, point);
    }

    @ParameterizedTest(name = "kill -9 at {0}")
    @MethodSource("recoveryPoints")
    void recoveryInterruptedAtAnyPointConvergesAfterRestart(String point) {
        try (Host host = hostWithStacks()) {
            AgentProcess first = readyAgent(host);
            assertThat(BootRecoveryTest.post(first, "/stacks/notes/stop")).isEqualTo(200);
            host.crashAndReboot(first);

            AgentProcess crashing = host.agent(crashAt(point));
            assertThat(crashing.awaitCrashPoint(REACH)).isEqualTo(point);
            crashing.kill9();

            AgentProcess last = host.agent();
            last.awaitReady(READY);
            assertConverged(host, last, List.of("db", "app", "web"), List.of("notes"));
            assertThat(host.startedAt("db")).isBefore(host.startedAt("app"));
            assertThat(host.startedAt("app")).isBefore(host.startedAt("web"));
        }
    }

    @ParameterizedTest(name = "kill -9 at {0}")
    @MethodSource("stopPoints")
    void userStopInterruptedAtAnyPointIsFinishedAfterRestart(String point) {
        try (Host host = hostWithStacks()) {
            readyAgent(host).terminate();
            AgentProcess crashing = host.agent(crashAt(point));
            crashing.awaitReady(READY);
            CompletableFuture.runAsync(() -> BootRecoveryTest.post(crashing, "/stacks/app/stop"));
            assertThat(crashing.awaitCrashPoint(REACH)).isEqualTo(point);
            crashing.kill9();

            AgentProcess last = host.agent();
            last.awaitReady(READY);
            assertConverged(host, last, List.of("db", "web", "notes"), List.of("app"));
        }
    }

    @ParameterizedTest(name = "kill -9 at {0}")
    @MethodSource("startPoints")
    void userStartInterruptedAtAnyPointIsFinishedAfterRestart(String point) {
        try (Host host = hostWithStacks()) {
            AgentProcess first = readyAgent(host);
            assertThat(BootRecoveryTest.post(first, "/stacks/notes/stop")).isEqualTo(200);
            first.terminate();
            AgentProcess crashing = host.agent(crashAt(point));
            crashing.awaitReady(READY);
            CompletableFuture.runAsync(() -> BootRecoveryTest.post(crashing, "/stacks/notes/start"));
            assertThat(crashing.awaitCrashPoint(REACH)).isEqualTo(point);
            crashing.kill9();

            AgentProcess last = host.agent();
            last.awaitReady(READY);
            assertConverged(host, last, List.of("db", "app", "web", "notes"), List.of());
        }
    }

    private static void assertConverged(Host host, AgentProcess agent, List<String> up, List<String> userStopped) {
        Map<String, JsonNode> stacks = Host.stacks(agent);
        for (String name : up) {
            assertThat(host.isRunning(name)).as(name + " runs\n" + host.agentLogs()).isTrue();
            assertThat(stacks.get(name).get("intent").asText()).as(name + " intent").isEqualTo("running");
        }
        for (String name : userStopped) {
            assertThat(host.isRunning(name)).as(name + " stays stopped\n" + host.agentLogs()).isFalse();
            assertThat(stacks.get(name).get("intent").asText()).as(name + " intent").isEqualTo("user-stopped");
        }
        JsonNode plan = Host.json(agent.get("/recovery/plan"));
        assertThat(plan.get("pendingMarkers")).as("no operation left half done").isEmpty();
    }
}
