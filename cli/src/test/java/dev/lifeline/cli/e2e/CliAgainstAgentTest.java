package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.cli.CliRunner;
import dev.lifeline.testkit.engine.TestEngine;
import dev.lifeline.testkit.process.AgentProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI against the real agent, found through the data dir alone, on each engine. */
class CliAgainstAgentTest extends OnEachEngine {

    @Test
    void theCliListsStopsStartsAndPlansThroughTheAgent() {
        try (Host host = new Host(engine, "recovery:\n  settle-time: 300ms\n")) {
            host.create("db", Map.of("lifeline.stack", "db"));
            host.create("app", Map.of("lifeline.stack", "app", "lifeline.depends-on", "db"));
            host.create("proxy", Map.of("lifeline.protected", "true"));
            host.create("odd", Map.of("lifeline.stack", "odd", "lifeline.tier", "high",
                    "lifeline.depends-on", "db,not a name"));
            host.create("selfish", Map.of("lifeline.stack", "selfish"), java.util.List.of("--restart", "on-failure"),
                    TestEngine.IDLE_COMMAND);
            host.start("db", "app", "proxy", "odd", "selfish");
            AgentProcess agent = host.agent();
            agent.awaitReady(Duration.ofSeconds(90));
            String dataDir = host.dataDir.toString();

            // Bad labels are reported per container and never stop the agent.
            var odd = Host.stacks(agent).get("odd");
            assertThat(odd.get("problems").toString()).contains("lifeline.tier").contains("high")
                    .contains("lifeline.depends-on").contains("not a name");
            assertThat(agent.log()).contains("event=label_problem stack=odd");

            // An engine restart policy would fight Lifeline: the agent and doctor say so.
            Host.await(Duration.ofSeconds(30), "the agent warns about the restart policy", () ->
                    agent.log().contains("event=restart_policy_conflict stack=selfish"));

            String metrics = agent.get("/metrics");
            assertThat(metrics).contains("lifeline_ready 1").contains("lifeline_recoveries_total 1")
                    .contains("# TYPE lifeline_running_set_stacks gauge");

            CliRunner.Run stacks = CliRunner.run("stacks", "--data-dir", dataDir);
            assertThat(stacks.code()).isZero();
            assertThat(stacks.out()).contains("STACK").contains("db").contains("app").contains("protected");
            assertThat(CliRunner.run("stacks", "--json", "--data-dir", dataDir).out()).contains("\"name\" : \"app\"");

            CliRunner.Run stop = CliRunner.run("stop", "app", "--data-dir", dataDir);
            assertThat(stop.code()).as(stop.err()).isZero();
            assertThat(host.isRunning("app")).isFalse();
            assertThat(host.isRunning("db")).isTrue();

            CliRunner.Run plan = CliRunner.run("recover", "--dry-run", "--data-dir", dataDir);
            assertThat(plan.code()).isZero();
            assertThat(plan.out()).contains("leave-stopped").contains("already-up");

            CliRunner.Run unknown = CliRunner.run("start", "nosuchstack", "--data-dir", dataDir);
            assertThat(unknown.code()).isEqualTo(2);
            assertThat(unknown.err()).contains("unknown stack 'nosuchstack'");

            CliRunner.Run protectedStop = CliRunner.run("stop", "proxy", "--data-dir", dataDir);
            assertThat(protectedStop.code()).isEqualTo(1);
            assertThat(protectedStop.err()).contains("protected");
            assertThat(host.isRunning("proxy")).isTrue();

            CliRunner.Run start = CliRunner.run("start", "app", "--data-dir", dataDir);
            assertThat(start.code()).as(start.err()).isZero();
            assertThat(host.isRunning("app")).isTrue();

            CliRunner.Run events = CliRunner.run("events", "--data-dir", dataDir);
            assertThat(events.out()).contains("stack_stopped stack=app").contains("stack_started stack=app");

            CliRunner.Run doctor = CliRunner.run("doctor", "--data-dir", dataDir, "--engine",
                    engine.socketUri().toString());
            assertThat(doctor.code()).as(doctor.out()).isZero();
            assertThat(doctor.out()).contains("engine").contains("running and ready")
                    .contains("selfish has restart policy 'on-failure'")
                    .containsPattern("ok +engine +" + kind.product() + " \\d+\\.\\d+\\S* at " + engine.socketUri())
                    .containsPattern("ok +engine kind +" + kind.id() + ", Docker Engine API 1\\.\\d+: ")
                    .doesNotContain("live-restore is off");
        }
    }
}
