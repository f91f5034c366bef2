package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the CLI without an agent: 2 for bad usage or configuration, 1 for a failure. */
class CliExitCodesTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void anUnknownCommandOrMissingArgumentIsBadUsage() {
        assertThat(run("frobnicate").code()).isEqualTo(Main.USAGE);
        Run missing = run("stop");
        assertThat(missing.code()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("STACK");
    }

    @Test
    void anInvalidStackNameIsBadUsage() {
        Run r = run("stop", "no such/stack", "--data-dir", dir.toString());
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("not a valid stack name");
    }

    @Test
    void noRunningAgentIsAFailureThatSaysWhatToDo() {
        Run r = run("stacks", "--data-dir", dir.toString());
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("no agent has run with data dir " + dir).contains("lifeline agent");
    }

    @Test
    void aBadConfigurationStopsTheAgentWithExitTwoNamingTheKey() throws IOException {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "recovery:\n  parallelism: lots\n");
        Run r = run("agent", "--config", config.toString(), "--data-dir", dir.resolve("data").toString());
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("recovery.parallelism").contains("'lots'").contains(config.toString());
    }

    @Test
    void recoverInsistsOnDryRun() {
        assertThat(run("recover", "--data-dir", dir.toString()).code()).isEqualTo(Main.USAGE);
    }

    @Test
    void versionAndHelpWork() {
        assertThat(run("--version").out()).startsWith("lifeline ");
        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("agent").contains("stacks").contains("recover").contains("doctor");
    }
}
