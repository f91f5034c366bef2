package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.engine.DataMount;
import dev.lifeline.core.engine.ExecResult;
import dev.lifeline.core.model.ContainerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What quiescing a stack for a backup needs from the engine, against each real engine: pause, exec, data mounts. */
class EngineQuiesceOperationsTest extends OnEachEngine {
    @TempDir
    Path tmp;

    @Test
    void pauseFreezesAndUnpauseThawsAndBothAreIdempotent() {
        String id = engine.runContainer("q-pause", Map.of());
        adapter.pause(id);
        adapter.pause(id);
        assertThat(adapter.inspect(id).orElseThrow().status()).isEqualTo(ContainerStatus.PAUSED);
        adapter.unpause(id);
        adapter.unpause(id);
        assertThat(adapter.inspect(id).orElseThrow().status()).isEqualTo(ContainerStatus.RUNNING);
    }

    @Test
    void execRunsAnArgumentListAndReportsExitCodeAndOutput() {
        String id = engine.runContainer("q-exec", Map.of());
        ExecResult ok = adapter.exec(id, List.of("sh", "-c", "echo checkpoint; echo to-stderr >&2"), Duration.ofSeconds(20));
        assertThat(ok.succeeded()).isTrue();
        assertThat(ok.output()).contains("checkpoint").contains("to-stderr");
        ExecResult failed = adapter.exec(id, List.of("sh", "-c", "exit 7"), Duration.ofSeconds(20));
        assertThat(failed.exitCode()).isEqualTo(7);
        // An argument with shell syntax is one literal argument: nothing is interpreted by a shell.
        ExecResult literal = adapter.exec(id, List.of("echo", "$(touch /pwned); rm -rf /"), Duration.ofSeconds(20));
        assertThat(literal.output().trim()).isEqualTo("$(touch /pwned); rm -rf /");
        assertThat(adapter.exec(id, List.of("ls", "/pwned"), Duration.ofSeconds(20)).exitCode()).isNotZero();
    }

    @Test
    void execGivesUpAtItsTimeout() {
        String id = engine.runContainer("q-slow", Map.of());
        ExecResult slow = adapter.exec(id, List.of("sleep", "30"), Duration.ofMillis(500));
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.succeeded()).isFalse();
    }

    @Test
    void dataMountsNameBindSourcesAndVolumeMountpointsOnTheHost() throws Exception {
        Path bind = Files.createDirectories(tmp.resolve("photos"));
        engine.cli("volume", "create", "q-db-data");
        String id = engine.runContainer("q-mounts", Map.of(), List.of("-v", bind + ":/photos",
                "-v", "q-db-data:/var/lib/db", "-v", tmp + ":/ro:ro"));
        List<DataMount> mounts = adapter.dataMounts(id);
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
        adapter.exec(id, List.of("sh", "-c", "echo row > /var/lib/db/table"), Duration.ofSeconds(20));
        Path volume = mounts.stream().filter(m -> m.kind().equals("volume")).findFirst().orElseThrow().source();
        assertThat(Files.readString(volume.resolve("table")).trim()).isEqualTo("row");
    }
}
