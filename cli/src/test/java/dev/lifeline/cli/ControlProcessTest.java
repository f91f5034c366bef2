package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lifeline control} as a real process on its embedded PostgreSQL: start, SIGTERM, start again. */
class ControlProcessTest {
    @TempDir
    Path dir;

    private Process start(Path dataDir, Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "control", "--data-dir", dataDir.toString(), "--listen", "127.0.0.1:0",
                "--heartbeat-interval", "1s")).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private void stop(Process p) throws InterruptedException {
        p.destroy();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the control plane stops on SIGTERM").isTrue();
    }

    @Test
    void theFirstStartWritesTheTokenFiles0600AndASecondStartKeepsThem() throws Exception {
        Path data = dir.resolve("control");
        Path log = dir.resolve("control.log");
        Process first = start(data, log);
        try {
            Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(data.resolve("control.address"))
                    || !first.isAlive());
            assertThat(first.isAlive()).as(Files.readString(log, StandardCharsets.UTF_8)).isTrue();
        } finally {
            stop(first);
        }
        String admin = Files.readString(data.resolve("admin.token"));
        String join = Files.readString(data.resolve("join.token"));
        assertThat(mode(data.resolve("admin.token"))).isEqualTo("rw-------");
        assertThat(mode(data.resolve("join.token"))).isEqualTo("rw-------");
        assertThat(Files.isDirectory(data.resolve("postgres"))).isTrue();

        Files.delete(data.resolve("control.address"));
        Process second = start(data, log);
        try {
            Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(data.resolve("control.address"))
                    || !second.isAlive());
            CliRunner.Run hosts = CliRunner.run("hosts", "--data-dir", data.toString());
            assertThat(hosts.code()).as(hosts.err()).isZero();
        } finally {
            stop(second);
        }
        assertThat(Files.readString(data.resolve("admin.token"))).isEqualTo(admin);
        assertThat(Files.readString(data.resolve("join.token"))).isEqualTo(join);
    }

    @Test
    void aBadValueStopsTheStartWithExitTwoNamingTheKeyAndValue() {
        CliRunner.Run r = CliRunner.run("control", "--data-dir", dir.toString(), "--monitor-interval", "soon");
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("monitor-interval: 'soon' (from flag --monitor-interval) is not a duration");
        CliRunner.Run open = CliRunner.run("control", "--data-dir", dir.toString(), "--listen", "0.0.0.0:7420");
        assertThat(open.code()).isEqualTo(Main.USAGE);
        assertThat(open.err()).contains("--allow-insecure");
        assertThat(dir.resolve("admin.token")).doesNotExist();
    }
}
