package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.testkit.podman.PodmanService;
import dev.lifeline.testkit.process.AgentProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Supervision by the real agent on real Podman: stops from outside become intent, crashes restart with backoff. */
class SupervisionTest extends RealEngineTest {

    private static Host host() {
        return new Host(podman, "recovery:\n  settle-time: 300ms\nsupervision:\n  resync-interval: 1s\n"
                + "  user-stop-confirm: 2s\n  crash-loop:\n    initial-delay: 1s\n    max-delay: 8s\n");
    }

    @Test
    void aStopFromOutsideLifelineMakesTheStackUserStoppedAndItStaysDownAfterAReboot() {
        try (Host host = host()) {
            host.create("blog", Map.of("lifeline.stack", "blog"));
            host.create("wiki", Map.of("lifeline.stack", "wiki"));
            host.start("blog", "wiki");
            AgentProcess agent = host.agent();
            agent.awaitReady(READY);
            Host.await(Duration.ofSeconds(30), "blog is in the running set", () ->
                    Host.stacks(agent).get("blog").get("inRunningSet").asBoolean());

            host.podman.podman("stop", "-t", "5", "blog");
            Host.await(Duration.ofSeconds(30), "the external stop becomes the user's intent", () ->
                    Host.stacks(agent).get("blog").get("intent").asText().equals("user-stopped"));
            assertThat(Host.stacks(agent).get("blog").get("intentReason").asText()).contains("stopped outside Lifeline");
            assertThat(host.isRunning("blog")).as("not restarted: the user stopped it").isFalse();

            host.crashAndReboot(agent);
            AgentProcess after = host.agent();
            after.awaitReady(READY);
            assertThat(host.isRunning("wiki")).isTrue();
            assertThat(host.isRunning("blog")).as("Podman's unless-stopped bug, fixed").isFalse();

            host.podman.podman("start", "blog");
            Host.await(Duration.ofSeconds(30), "a start from outside makes the intent running again", () ->
                    Host.stacks(after).get("blog").get("intent").asText().equals("running"));
        }
    }

    @Test
    void aCrashingStackIsRestartedWithGrowingDelaysNotInAStorm() {
        try (Host host = host()) {
            // Runs for a second (ready after the 300 ms settle time), then crashes with exit 3, every time it is started.
            host.create("crashy", Map.of("lifeline.stack", "crashy"), List.of(),
                    List.of("sh", "-c", "sleep 1; exit 3"));
            host.create("steady", Map.of("lifeline.stack", "steady"));
            host.start("steady");
            AgentProcess agent = host.agent();
            agent.awaitReady(READY);
            // Make crashy known as running, as if it had run before: the user starts it through Lifeline.
            BootRecoveryTest.post(agent, "/stacks/crashy/start");
            Instant began = Instant.now();
            Host.await(Duration.ofSeconds(60), "three restarts after crashes", () -> crashes(agent).size() >= 4);
            List<Instant> seen = crashes(agent);
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < seen.size(); i++) {
                gaps.add(Duration.between(seen.get(i - 1), seen.get(i)).toMillis());
            }
            assertThat(gaps.get(1)).as("backoff doubles: gaps " + gaps).isGreaterThan(gaps.get(0));
            assertThat(gaps.get(2)).as("backoff doubles: gaps " + gaps).isGreaterThan(gaps.get(1));
            long elapsed = Duration.between(began, Instant.now()).toSeconds();
            assertThat(seen.size()).as("no restart storm: " + seen.size() + " crashes in " + elapsed + " s")
                    .isLessThanOrEqualTo(6);
            assertThat(host.isRunning("steady")).isTrue();
            assertThat(Host.stacks(agent).get("crashy").get("intent").asText())
                    .as("a crash is never mistaken for a user stop").isEqualTo("running");
        }
    }

    /** When the agent saw crashy crash, oldest first, from its event log. */
    private static List<Instant> crashes(AgentProcess agent) {
        List<Instant> out = new ArrayList<>();
        for (JsonNode e : Host.json(agent.get("/events?limit=500"))) {
            if (e.get("kind").asText().equals("stack_crashed") && e.get("stack").asText().equals("crashy")) {
                out.add(0, Instant.parse(e.get("at").asText()));
            }
        }
        return out;
    }
}
