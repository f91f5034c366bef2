package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.engine.DataMount;
import dev.lifeline.core.engine.ExecResult;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.testkit.podman.PodmanService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What quiescing a stack for a backup needs from the engine, against a real Podman: pause, exec, data mounts. */
class EngineQuiesceOperationsTest {
    private static PodmanService podman;
    private static DockerEngine engine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startPodman() {
        podman = PodmanService.start();
        engine = new DockerEngine(podman.socketUri());
    }

    @AfterAll
    static void stopPodman() {
        engine.close();
        podman.close();
    }

    @Test
    void pauseFreezesAndUnpauseThawsAndBothAreIdempotent() {
        String id = podman.runContainer("q-pause", Map.of());
        engine.pause(id);
        engine.pause(id);
        assertThat(engine.inspect(id).orElseThrow().status()).isEqualTo(ContainerStatus.PAUSED);
        engine.unpause(id);
        engine.unpause(id);
        assertThat(engine.inspect(id).orElseThrow().status()).isEqualTo(ContainerStatus.RUNNING);
    }

    @Test
    void execRunsAnArgumentListAndReportsExitCodeAndOutput() {
        String id = podman.runContainer("q-exec", Map.of());
        ExecResult ok = engine.exec(id, List.of("sh", "-c", "echo checkpoint; echo to-stderr >&2"), Duration.ofSeconds(20));
        assertThat(ok.succeeded()).isTrue();
        assertThat(ok.output()).contains("checkpoint").contains("to-stderr");
        ExecResult failed = engine.exec(id, List.of("sh", "-c", "exit 7"), Duration.ofSeconds(20));
        assertThat(failed.exitCode()).isEqualTo(7);
        // An argument with shell syntax is one literal argument: nothing is interpreted by a shell.
        ExecResult literal = engine.exec(id, List.of("echo", "$(touch /pwned); rm -rf /"), Duration.ofSeconds(20));
        assertThat(literal.output().trim()).isEqualTo("$(touch /pwned); rm -rf /");
        assertThat(engine.exec(id, List.of("ls", "/pwned"), Duration.ofSeconds(20)).exitCode()).isNotZero();
    }

    @Test
    void execGivesUpAtItsTimeout() {
        String id = podman.runContainer("q-slow", Map.of());
        ExecResult slow = engine.exec(id, List.of("sleep", "30"), Duration.ofMillis(500));
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.succeeded()).isFalse();
    }

    @Test
    void dataMountsNameBindSourcesAndVolumeMountpointsOnTheHost() throws Exception {
        Path bind = Files.createDirectories(tmp.resolve("photos"));
        podman.podman("volume", "create", "q-db-data");
        String id = podman.runContainer("q-mounts", Map.of(), List.of("-v", bind + ":/photos",
                "-v", "q-db-data:/var/lib/db", "-v", tmp + ":/ro:ro"));
        List<DataMount> mounts = engine.dataMounts(id);
        assertThat(mounts).anySatisfy(m -> {
            assertThat(m.kind()).isEqualTo("bind");
            assertThat(m.source()).isEqualTo(bind);
            assertThat(m.destination()).isEqualTo("/photos");
            assertThat(m.readOnly()).isFalse();
        });
        assertThat(mounts).anySatisfy(m -> {
            assertThat(m.kind()).isEqualTo("volume");
            assertThat(m.name()).isEqualTo("q-db-data");
            assertThat(m.destination()).isEqualTo("/var/lib/db");
            assertThat(Files.isDirectory(m.source())).as("volume mountpoint on the host " + m.source()).isTrue();
        });
        assertThat(mounts).anySatisfy(m -> {
            assertThat(m.destination()).isEqualTo("/ro");
            assertThat(m.readOnly()).isTrue();
        });
        // What the container writes to its volume is in the host path Lifeline would snapshot.
        engine.exec(id, List.of("sh", "-c", "echo row > /var/lib/db/table"), Duration.ofSeconds(20));
        Path volume = mounts.stream().filter(m -> m.kind().equals("volume")).findFirst().orElseThrow().source();
        assertThat(Files.readString(volume.resolve("table")).trim()).isEqualTo("row");
    }
}
