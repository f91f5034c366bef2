package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the CLI without an agent: 2 for bad usage or configuration, 1 for a failure. */
class CliExitCodesTest {
    private static CliRunner.Run run(String... args) {
        return CliRunner.run(args);
    }

    @TempDir
    Path dir;

    @Test
    void anUnknownCommandOrMissingArgumentIsBadUsage() {
        assertThat(run("frobnicate").code()).isEqualTo(Main.USAGE);
        CliRunner.Run missing = run("stop");
        assertThat(missing.code()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("STACK");
    }

    @Test
    void anInvalidStackNameIsBadUsage() {
        CliRunner.Run r = run("stop", "no such/stack", "--data-dir", dir.toString());
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("not a valid stack name");
    }

    @Test
    void noRunningAgentIsAFailureThatSaysWhatToDo() {
        CliRunner.Run r = run("stacks", "--data-dir", dir.toString());
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("no agent has run with data dir " + dir).contains("lifeline agent");
    }

    @Test
    void aBadConfigurationStopsTheAgentWithExitTwoNamingTheKey() throws IOException {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "recovery:\n  parallelism: lots\n");
        CliRunner.Run r = run("agent", "--config", config.toString(), "--data-dir", dir.resolve("data").toString());
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("recovery.parallelism").contains("'lots'").contains(config.toString());
    }

    @Test
    void backupAndRestoreWithoutARunningAgentAreFailuresThatSayWhatToDo() {
        for (String[] args : new String[][] {{"backup", "now"}, {"backup", "status"}, {"restore", "db"}}) {
            String[] all = java.util.Arrays.copyOf(args, args.length + 2);
            all[args.length] = "--data-dir";
            all[args.length + 1] = dir.toString();
            CliRunner.Run r = run(all);
            assertThat(r.code()).isEqualTo(Main.FAILED);
            assertThat(r.err()).startsWith("lifeline: no agent has run with data dir " + dir);
        }
    }

    @Test
    void theAgentsOwnOptionsAreReadWithoutPicocliAndAnythingElseGoesThroughIt() {
        AgentCommand both = AgentCommand.fromPlainArguments("agent", "--config", "/etc/l.yaml", "--data-dir=/d",
                "--engine", "unix:///s.sock", "--listen=127.0.0.1:0").orElseThrow();
        assertThat(both.config).isEqualTo(Path.of("/etc/l.yaml"));
        assertThat(both.dataDir).isEqualTo("/d");
        assertThat(both.engine).isEqualTo("unix:///s.sock");
        assertThat(both.listen).isEqualTo("127.0.0.1:0");
        assertThat(AgentCommand.fromPlainArguments("agent")).isPresent();
        for (String[] other : new String[][] {{"stacks"}, {"agent", "--help"}, {"agent", "--bogus", "x"},
                {"agent", "--engine"}, {"agent", "--engine="}, {"agent", "--engine", "--listen", "x"},
                {"agent", "--listen", "a", "--listen", "b"}, {"agent", "extra"}, {}}) {
            assertThat(AgentCommand.fromPlainArguments(other)).as(String.join(" ", other)).isEmpty();
        }
        CliRunner.Run typo = run("agent", "--enigne", "unix:///x.sock");
        assertThat(typo.code()).isEqualTo(Main.USAGE);
        assertThat(typo.err()).contains("Unknown option").contains("--enigne").contains("Usage: lifeline agent");
        CliRunner.Run help = run("agent", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--data-dir").contains("--engine");
    }

    @Test
    void theAgentJoinsAControlPlaneWithItsTwoFlagsAndRefusesPlainHttpToAnotherHostOrNoJoinToken() {
        AgentCommand joining = AgentCommand.fromPlainArguments("agent", "--control-plane", "https://cp.example:7420",
                "--join-token=/etc/lifeline/join.token").orElseThrow();
        assertThat(joining.controlPlane).isEqualTo("https://cp.example:7420");
        assertThat(joining.joinToken).isEqualTo("/etc/lifeline/join.token");

        CliRunner.Run clear = run("agent", "--data-dir", dir.toString(), "--control-plane", "http://10.1.2.3:7420",
                "--join-token", "/nonexistent");
        assertThat(clear.code()).isEqualTo(Main.USAGE);
        assertThat(clear.err()).contains("control-plane.url").contains("plain http").contains("allow-insecure");

        CliRunner.Run noToken = run("agent", "--data-dir", dir.toString(), "--control-plane", "https://cp.example");
        assertThat(noToken.code()).isEqualTo(Main.USAGE);
        assertThat(noToken.err()).contains("has not joined").contains("--join-token");
    }

    @Test
    void recoverInsistsOnDryRun() {
        assertThat(run("recover", "--data-dir", dir.toString()).code()).isEqualTo(Main.USAGE);
    }

    @Test
    void versionAndHelpWork() {
        assertThat(run("--version").out()).startsWith("lifeline ");
        CliRunner.Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("agent").contains("stacks").contains("recover").contains("doctor")
                .contains("backup").contains("restore");
        assertThat(run("backup", "--help").out()).contains("now").contains("status").contains("list").contains("jobs")
                .contains("due").contains("verify");
    }
}
