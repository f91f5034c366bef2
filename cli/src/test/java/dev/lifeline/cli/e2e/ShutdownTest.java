package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The agent's own shutdown, and the host's: neither is ever mistaken for the user stopping stacks. */
class ShutdownTest extends OnEachEngine {

    private static Host hostWith(String... stacks) {
        Host host = new Host(engine, "recovery:\n  settle-time: 300ms\nsupervision:\n  resync-interval: 1s\n"
                + "  user-stop-confirm: 2s\n");
        for (String s : stacks) {
            host.create(s, Map.of("lifeline.stack", s));
            host.start(s);
        }
        return host;
    }

    @Test
    void sigtermRecordsACleanShutdownAndLeavesEveryAppRunning() {
        try (Host host = hostWith("blog", "wiki")) {
            AgentProcess agent = readyAgent(host, 2);
            int exit = agent.terminate();
            assertThat(exit).as("SIGTERM exit status").isIn(0, 143);
            assertThat(agent.log()).contains("event=agent_stopped clean=true");
            assertThat(host.isRunning("blog")).isTrue();
            assertThat(host.isRunning("wiki")).isTrue();

            AgentProcess next = host.agent();
            next.awaitReady(READY);
            assertThat(next.log()).contains("previous_run_crashed=false");
        }
    }

    @Test
    void aHostShutdownThatStopsEverythingBeforeTheAgentIsNeverTakenAsUserIntent() {
        try (Host host = hostWith("blog", "wiki", "photos")) {
            AgentProcess agent = readyAgent(host, 3);
            // The host goes down: the engine stops every container, then the agent gets its SIGTERM.
            host.engine.stopAll(Duration.ofSeconds(2));
            Host.await(Duration.ofSeconds(20), "the agent sees the stops", () ->
                    agent.log().contains("event=external_stop_seen"));
            agent.terminate();
            try {
                Files.writeString(host.bootId, UUID.randomUUID() + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }

            AgentProcess after = host.agent();
            after.awaitReady(READY);
            for (String s : List.of("blog", "wiki", "photos")) {
                assertThat(host.isRunning(s)).as(s + " is back after the reboot\n" + host.agentLogs()).isTrue();
                assertThat(Host.stacks(after).get(s).get("intent").asText()).isEqualTo("running");
            }
        }
    }
}
