package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lifeline.agent.recovery.Inventory;
import dev.lifeline.core.engine.ComposeFiles;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.engine.ExecResult;
import dev.lifeline.core.engine.ScratchContainer;
import dev.lifeline.core.engine.ScratchContainer.Bind;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.policy.StackAssembler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DockerEngine#runScratch} against each real engine. */
class ScratchContainerTest extends OnEachEngine {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static ScratchContainer spec(List<String> argv, List<Bind> binds, Map<String, String> env,
            Duration timeout, boolean network) {
        return new ScratchContainer(engine.busyboxImage(), argv, binds, env, timeout, network);
    }

    /** Every container the engine has, scratch ones included (the engine's ps -a, not the adapter under test). */
    private static List<String> allContainerNames() {
        return engine.cli("ps", "-a", "--format", "{{.Names}}").lines().map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    private static void assertNoScratchContainerLeft() {
        assertThat(allContainerNames()).noneMatch(n -> n.startsWith(ScratchContainer.NAME_PREFIX));
    }

    @Test
    void runsTheArgvWithABindAndEnvAndReturnsExitCodeAndOutput() throws IOException {
        Files.writeString(dir.resolve("file"), "restored-data\n");
        ExecResult result = adapter.runScratch(spec(
                List.of("sh", "-c", "cat /data/file; echo \"to stderr $GREETING\" >&2; exit 3"),
                List.of(new Bind(dir, "/data", false)), Map.of("GREETING", "hello world"), TIMEOUT, false));

        assertThat(result.timedOut()).isFalse();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).contains("restored-data").contains("to stderr hello world");
        assertNoScratchContainerLeft();
    }

    @Test
    void aWritableBindIsWritableAndAReadOnlyBindRefusesWrites() throws IOException {
        Path rw = Files.createDirectories(dir.resolve("rw"));
        Path ro = Files.createDirectories(dir.resolve("ro"));
        ExecResult result = adapter.runScratch(spec(
                List.of("sh", "-c", "echo written > /rw/out && if touch /ro/nope 2>/dev/null; then echo RO-WRITABLE; "
                        + "exit 1; else echo ro-refused; fi"),
                List.of(new Bind(rw, "/rw", false), new Bind(ro, "/ro", true)), Map.of(), TIMEOUT, false));

        assertThat(result.succeeded()).as("output: %s", result.output()).isTrue();
        assertThat(result.output()).contains("ro-refused");
        assertThat(Files.readString(rw.resolve("out"))).isEqualTo("written\n");
        assertThat(ro.resolve("nope")).doesNotExist();
    }

    @Test
    void withoutNetworkTheContainerHasOnlyLoopback() {
        ExecResult result = adapter.runScratch(spec(List.of("ls", "/sys/class/net"), List.of(), Map.of(), TIMEOUT,
                false));

        assertThat(result.succeeded()).as("output: %s", result.output()).isTrue();
        assertThat(result.output().lines().map(String::strip).filter(s -> !s.isEmpty()).toList())
                .containsExactly("lo");
    }

    @Test
    void aRunningScratchContainerIsLabelledWithoutRestartPolicyAndInNoStack() throws Exception {
        CompletableFuture<ExecResult> running = CompletableFuture.supplyAsync(() -> adapter.runScratch(
                spec(List.of("sleep", "3"), List.of(), Map.of(), TIMEOUT, false)));
        ContainerInfo scratch = await().atMost(Duration.ofSeconds(20)).until(
                () -> adapter.listContainers().stream().filter(c -> c.name().startsWith(ScratchContainer.NAME_PREFIX))
                        .findFirst().orElse(null), c -> c != null);
        assertThat(scratch.labels()).containsEntry(ScratchContainer.LABEL, "true");
        assertThat(scratch.restartPolicy()).isIn("", "no");

        Inventory inventory = new Inventory(adapter, new StackAssembler(ComposeFiles.NONE));
        assertThat(inventory.stacks()).flatExtracting(Stack::containers).extracting(ContainerInfo::name)
                .doesNotContain(scratch.name());
        assertThat(inventory.stackStates()).flatExtracting(Stack::containers).extracting(ContainerInfo::name)
                .doesNotContain(scratch.name());

        assertThat(running.get(30, TimeUnit.SECONDS).succeeded()).isTrue();
        assertNoScratchContainerLeft();
    }

    @Test
    void aCommandPastTheTimeoutIsKilledReportedAsTimedOutAndRemoved() {
        long start = System.nanoTime();
        ExecResult result = adapter.runScratch(spec(List.of("sh", "-c", "echo before-the-hang; sleep 600"), List.of(),
                Map.of(), Duration.ofSeconds(2), false));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(result.output()).contains("before-the-hang");
        assertThat(took).isLessThan(Duration.ofSeconds(30));
        assertNoScratchContainerLeft();
    }

    @Test
    void onlyTheEndOfALongOutputIsKept() {
        // 200 000 numbered lines, far past the limit: the last lines must be there, the first ones gone
        ExecResult result = adapter.runScratch(spec(
                List.of("sh", "-c", "i=0; while [ $i -lt 200000 ]; do echo line-$i; i=$((i+1)); done"),
                List.of(), Map.of(), Duration.ofSeconds(60), false));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.output().length()).isLessThanOrEqualTo(DockerEngine.SCRATCH_OUTPUT_LIMIT);
        assertThat(result.output()).contains("line-199999").doesNotContain("line-0\n");
    }

    @Test
    void aMissingImageFailsNamingTheImageAndLeavesNothingBehind() {
        String missing = "localhost/lifeline-no-such-image:1";
        assertThatThrownBy(() -> adapter.runScratch(new ScratchContainer(missing, List.of("true"), List.of(), Map.of(),
                TIMEOUT, false)))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("image " + missing + " not found");
        assertNoScratchContainerLeft();
    }

    @Test
    void anInterruptedCallerStillGetsTheContainerRemoved() throws Exception {
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                adapter.runScratch(spec(List.of("sleep", "600"), List.of(), Map.of(), Duration.ofMinutes(5), false));
            } catch (EngineException expected) {
                // interrupted: the engine says so
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(
                () -> allContainerNames().stream().anyMatch(n -> n.startsWith(ScratchContainer.NAME_PREFIX)));
        caller.interrupt();
        caller.join(Duration.ofSeconds(30));
        assertThat(caller.isAlive()).isFalse();
        assertNoScratchContainerLeft();
    }
}
