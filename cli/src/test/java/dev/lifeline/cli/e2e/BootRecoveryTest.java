package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.testkit.engine.TestEngine;
import dev.lifeline.testkit.process.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Boot recovery of the real agent process on each real engine after a simulated host reboot. */
class BootRecoveryTest extends OnEachEngine {

    private static Host host() {
        return new Host(engine, "recovery:\n  settle-time: 500ms\n  retry:\n    initial-delay: 200ms\n"
                + "    attempt-timeout: 10s\n");
    }

    @Test
    void bringsBackExactlyTheRightStacksDependenciesFirst() {
        try (Host host = host()) {
            host.create("db", Map.of("lifeline.stack", "db"));
            host.create("app-api", Map.of("lifeline.stack", "app", "lifeline.depends-on", "db"));
            host.create("app-worker", Map.of("lifeline.stack", "app", "lifeline.depends-on", "db"));
            host.create("web", Map.of("lifeline.stack", "web", "lifeline.depends-on", "app"));
            host.create("proxy", Map.of("lifeline.protected", "true"));
            host.create("notes", Map.of("lifeline.stack", "notes"));
            host.create("scratch", Map.of("lifeline.stack", "scratch"));
            host.start("db", "app-api", "app-worker", "web", "proxy", "notes");

            AgentProcess first = host.agent();
            first.awaitReady(READY);
            awaitRunningSet(first, 5);
            assertThat(first.get("/stacks")).contains("\"intent\":\"running\"");
            assertThat(post(first, "/stacks/notes/stop")).isEqualTo(200);
            assertThat(host.isRunning("notes")).isFalse();

            host.crashAndReboot(first);
            AgentProcess second = host.agent();
            second.awaitReady(READY);

            for (String name : List.of("db", "app-api", "app-worker", "web", "proxy")) {
                assertThat(host.isRunning(name)).as(name + " running after recovery\n" + host.agentLogs()).isTrue();
            }
            assertThat(host.isRunning("notes")).as("user-stopped stack stays down").isFalse();
            assertThat(host.isRunning("scratch")).as("never-seen stack is not started").isFalse();
            assertThat(host.startedAt("db")).isBefore(host.startedAt("app-api"));
            assertThat(host.startedAt("db")).isBefore(host.startedAt("app-worker"));
            assertThat(host.startedAt("app-api")).isBefore(host.startedAt("web"));
            assertThat(host.startedAt("app-worker")).isBefore(host.startedAt("web"));
            Map<String, String> outcomes = Host.outcomes(second);
            assertThat(outcomes.get("db")).startsWith("recovered");
            assertThat(outcomes.get("web")).startsWith("recovered");
            assertThat(outcomes.get("notes")).startsWith("skipped").contains("stopped by the user");
            assertThat(outcomes.get("scratch")).startsWith("skipped").contains("never saw it running");
        }
    }

    @Test
    void aDependencyThatNeverBecomesHealthyFailsItsDependentsButNotTheOthers() throws java.io.IOException {
        try (Host host = host()) {
            // db's engine healthcheck passes while /host/db-ok exists; after the reboot it never does again.
            Path ok = host.dir.resolve("db-ok");
            write(ok);
            host.create("db", Map.of("lifeline.stack", "db"), List.of("-v", host.dir + ":/host",
                    "--health-cmd", "test -e /host/db-ok", "--health-interval", "1s", "--health-retries", "2"),
                    TestEngine.IDLE_COMMAND);
            host.create("app", Map.of("lifeline.stack", "app", "lifeline.depends-on", "db"));
            host.create("other", Map.of("lifeline.stack", "other"));
            host.start("db", "app", "other");
            AgentProcess first = host.agent();
            first.awaitReady(READY);
            awaitRunningSet(first, 3);
            host.crashAndReboot(first);
            Files.delete(ok);

            AgentProcess second = host.agent();
            second.awaitReady(READY);
            Map<String, String> outcomes = Host.outcomes(second);
            // Podman without systemd: Lifeline runs the healthcheck itself, and its own failing probes are judged at
            // the attempt timeout (not by Podman's retry count, which its quick probes would exhaust in a moment);
            // Docker runs it on its interval and says unhealthy after its retries
            assertThat(outcomes.get("db")).startsWith("failed").contains(kind == EngineKind.PODMAN
                    ? "healthcheck still failing" : "unhealthy");
            assertThat(outcomes.get("app")).startsWith("failed").contains("dependency db");
            assertThat(outcomes.get("other")).startsWith("recovered");
            assertThat(host.isRunning("other")).isTrue();
            assertThat(host.isRunning("app")).as("a dependent never starts before its dependency is ready").isFalse();
        }
    }

    @Test
    void aHealthcheckedDependencyIsHealthyBeforeItsDependentStarts() {
        try (Host host = host()) {
            host.create("db", Map.of("lifeline.stack", "db"), List.of("--health-cmd", "true",
                    "--health-interval", "1s"), TestEngine.IDLE_COMMAND);
            host.create("app", Map.of("lifeline.stack", "app", "lifeline.depends-on", "db"));
            host.start("db", "app");
            AgentProcess first = host.agent();
            first.awaitReady(READY);
            awaitRunningSet(first, 2);
            host.crashAndReboot(first);

            AgentProcess second = host.agent();
            second.awaitReady(READY);
            assertThat(Host.outcomes(second).get("app")).startsWith("recovered");
            assertThat(host.container("db").health()).isEqualTo(dev.lifeline.core.model.Health.HEALTHY);
            assertThat(host.startedAt("db")).isBefore(host.startedAt("app"));
        }
    }

    @Test
    void aContainerWhoseFirstStartsFailIsRecoveredByRetries() {
        try (Host host = host()) {
            host.create("flaky", Map.of("lifeline.stack", "flaky"), List.of("-v", host.dir + ":/host"),
                    List.of("sh", "-c", "n=$(cat /host/starts 2>/dev/null || echo 0); n=$((n+1)); echo $n > /host/starts;"
                            + " [ -e /host/armed ] && [ $n -le 3 ] && exit 1; trap 'exit 143' TERM;"
                            + " sleep 2147483647 & wait"));
            host.start("flaky");
            AgentProcess first = host.agent();
            first.awaitReady(READY);
            Host.await(Duration.ofSeconds(30), "flaky is in the running set", () ->
                    Host.stacks(first).get("flaky").get("inRunningSet").asBoolean());
            host.crashAndReboot(first);
            write(host.dir.resolve("armed"));

            AgentProcess second = host.agent();
            second.awaitReady(READY);
            assertThat(Host.outcomes(second).get("flaky")).startsWith("recovered");
            assertThat(host.isRunning("flaky")).isTrue();
            assertThat(Host.json(second.get("/recovery")).get("outcomes").get(0).get("attempts").asInt())
                    .as("two failed attempts, then success").isEqualTo(3);
        }
    }

    static int post(AgentProcess agent, String path) {
        try {
            return agent.post(path).statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void write(Path file) {
        try {
            Files.writeString(file, "x");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
