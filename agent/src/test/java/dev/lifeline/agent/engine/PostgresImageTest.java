package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeline.core.engine.ExecResult;
import dev.lifeline.core.engine.ScratchContainer;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.testkit.podman.PostgresImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline PostgreSQL image on each real engine: a real database written, stopped by the engine (the image's stop
 * signal, SIGINT: on Docker, which does not take STOPSIGNAL as an import change, the testkit builds it on top), and its
 * data dir checked by {@code lifeline-pg-verify} in a scratch container. The first run on a machine builds the image
 * (minutes); scripts/setup-host builds it ahead.
 */
class PostgresImageTest extends OnEachEngine {
    private static final Duration VERIFY_TIMEOUT = Duration.ofMinutes(2);
    private static final String SOCKET_DIR = "/var/run/postgresql";

    @TempDir
    Path dir;

    @BeforeEach
    void importTheImage() {
        PostgresImage.importInto(engine);
    }

    /** Runs the image's server on an empty host dir and waits until it accepts connections; returns its id. */
    private String runPostgres(String name, Path data) {
        String id = engine.cli("run", "-d", "--name", name, "--network", "none",
                "-v", data + ":" + PostgresImage.DATA_DIR, PostgresImage.NAME).strip();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> adapter.exec(id,
                List.of("pg_isready", "-q", "-h", SOCKET_DIR), Duration.ofSeconds(5)).succeeded());
        return id;
    }

    private static ExecResult psql(String id, String sql) {
        ExecResult r = adapter.exec(id, List.of("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", SOCKET_DIR, "-U", "postgres", "-c", sql), Duration.ofSeconds(30));
        assertThat(r.succeeded()).as("psql %s: %s", sql, r.output()).isTrue();
        return r;
    }

    /** A data dir holding table items with {@code rows} rows, its server still running; returns the container id. */
    private String populated(String name, Path data, int rows) {
        String id = runPostgres(name, data);
        psql(id, "CREATE TABLE items (id int PRIMARY KEY, label text)");
        psql(id, "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, " + rows + ") g");
        assertThat(psql(id, "SELECT count(*) FROM items").output().strip()).isEqualTo(String.valueOf(rows));
        return id;
    }

    private static ExecResult verify(Path data, String sql) {
        return adapter.runScratch(new ScratchContainer(PostgresImage.NAME, List.of(PostgresImage.VERIFY_COMMAND),
                List.of(new ScratchContainer.Bind(data, PostgresImage.DATA_DIR, false)), Map.of("VERIFY_SQL", sql),
                VERIFY_TIMEOUT, false));
    }

    @Test
    void aCleanlyStoppedDatabaseVerifiesWithItsRowsAndSaysItWasShutDown() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        String id = populated("pg-clean", data, 1234);

        adapter.stop(id, Duration.ofSeconds(30));
        ContainerInfo stopped = adapter.inspect(id).orElseThrow();
        assertThat(stopped.status()).isEqualTo(ContainerStatus.EXITED);
        // the image's stop signal is SIGINT: postgres's fast shutdown, which exits 0 (SIGTERM would wait for clients)
        assertThat(stopped.exitCode()).isZero();
        var logs = engine.cliResult("logs", id);
        assertThat(logs.stdout() + logs.stderr()).contains("received fast shutdown request");

        ExecResult result = verify(data, "SELECT count(*) FROM items");
        assertThat(result.exitCode()).as("verify output:%n%s", result.output()).isZero();
        assertThat(result.output())
                .contains("lifeline-pg-verify: row=1234")
                .contains("shutdown=clean")
                .contains("result=ok");
    }

    @Test
    void aKilledDatabaseStillVerifiesButSaysCrashRecoveryRan() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        String id = populated("pg-killed", data, 77);

        engine.cli("kill", "--signal", "KILL", id);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> adapter.inspect(id).orElseThrow().status() == ContainerStatus.EXITED);

        ExecResult result = verify(data, "SELECT count(*) FROM items");
        assertThat(result.exitCode()).as("verify output:%n%s", result.output()).isZero();
        assertThat(result.output()).contains("row=77").contains("shutdown=crash-recovery")
                .doesNotContain("shutdown=clean");
    }

    @Test
    void aCorruptControlFileFailsVerificationWithTheServerLog() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        String id = populated("pg-corrupt", data, 5);
        adapter.stop(id, Duration.ofSeconds(30));

        byte[] garbage = new byte[512];
        Arrays.fill(garbage, (byte) 0x5a);
        try (FileChannel control = FileChannel.open(data.resolve("global/pg_control"), StandardOpenOption.WRITE)) {
            control.write(ByteBuffer.wrap(garbage), 0);
        }

        ExecResult result = verify(data, "SELECT count(*) FROM items");
        assertThat(result.timedOut()).isFalse();
        assertThat(result.exitCode()).as("verify output:%n%s", result.output()).isNotZero();
        assertThat(result.output()).contains("result=failed").doesNotContain("result=ok");
    }

    @Test
    void aQueryThatFailsFailsVerification() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        String id = populated("pg-bad-query", data, 3);
        adapter.stop(id, Duration.ofSeconds(30));

        ExecResult result = verify(data, "SELECT count(*) FROM no_such_table");
        assertThat(result.exitCode()).as("verify output:%n%s", result.output()).isEqualTo(1);
        assertThat(result.output()).contains("query failed").contains("no_such_table");
    }
}
