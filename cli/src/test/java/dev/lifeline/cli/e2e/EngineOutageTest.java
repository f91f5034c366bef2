package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine's API is not there yet, or goes away and comes back, while its containers keep running (Podman's always
 * do; Docker's do with live-restore, which the test daemon has).
 */
class EngineOutageTest extends OnEachEngine {

    private static Host host() {
        return new Host(engine, "recovery:\n  settle-time: 300ms\n");
    }

    @Test
    void anAgentStartedBeforeTheEngineWaitsAndRecoversOnceItAnswers() {
        try (Host host = host()) {
            host.create("db", Map.of("lifeline.stack", "db"));
            host.start("db");
            AgentProcess first = host.agent();
            first.awaitReady(READY);
            Host.await(Duration.ofSeconds(30), "db in the running set", () ->
                    Host.stacks(first).get("db").get("inRunningSet").asBoolean());
            host.crashAndReboot(first);
            host.engine.stopService();
            try {
                AgentProcess agent = host.agent();
                Host.await(Duration.ofSeconds(30), "the agent reports that it waits for the engine", () ->
                        agent.log().contains("event=engine_unreachable"));
                assertThat(agent.isAlive()).isTrue();
                Host.await(Duration.ofSeconds(30), "the API answers, not ready without an engine", () ->
                        status(agent, "/health/ready") == 503);
                host.engine.startService();
                agent.awaitReady(READY);
                assertThat(host.isRunning("db")).isTrue();
            } finally {
                if (!host.engine.serviceRunning()) {
                    host.engine.startService();
                }
            }
        }
    }

    @Test
    void theAgentRidesOutTheEngineGoingAwayAndSupervisesAgainWhenItIsBack() {
        try (Host host = new Host(engine, "recovery:\n  settle-time: 300ms\nsupervision:\n  resync-interval: 1s\n"
                + "  user-stop-confirm: 2s\n")) {
            host.create("blog", Map.of("lifeline.stack", "blog"));
            host.start("blog");
            AgentProcess agent = readyAgent(host, 1);
            host.engine.stopService();
            try {
                Host.await(Duration.ofSeconds(30), "the agent notices the engine is gone", () ->
                        agent.log().contains("event=engine_events_lost") || agent.log().contains("event=resync_failed"));
                assertThat(agent.isAlive()).isTrue();
            } finally {
                host.engine.startService();
            }
            host.engine.cli("stop", "-t", "5", "blog");
            Host.await(Duration.ofSeconds(60), "a stop after the engine came back becomes the user's intent", () ->
                    Host.stacks(agent).get("blog").get("intent").asText().equals("user-stopped"));
            assertThat(host.isRunning("blog")).isFalse();
        }
    }

    private static int status(AgentProcess agent, String path) {
        try {
            return agent.getStatus(path);
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }
}
