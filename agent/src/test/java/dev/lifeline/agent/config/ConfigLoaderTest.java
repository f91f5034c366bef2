package dev.lifeline.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final Path DEFAULT_DIR = Path.of("/var/lib/lifeline");

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path f = dir.resolve("lifeline.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void embeddedDefaultsAreSafe() {
        AgentConfig c = ConfigLoader.load(Optional.empty(), Map.of(), Map.of(), DEFAULT_DIR);
        assertThat(c.dataDir()).isEqualTo(DEFAULT_DIR);
        assertThat(c.listen().getAddress().isLoopbackAddress()).as("loopback by default").isTrue();
        assertThat(c.listen().getPort()).isEqualTo(7411);
        assertThat(c.recovery().parallelism()).isEqualTo(4);
        assertThat(c.supervision().crashLoopInitial()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.supervision().crashLoopMax()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.supervision().crashLoopReset()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.engine()).isEmpty();
        assertThat(c.backup().repository()).isEqualTo(DEFAULT_DIR.resolve("restic-repo").toString());
        assertThat(c.backup().passwordFile()).isEqualTo(DEFAULT_DIR.resolve("restic-password"));
        assertThat(c.backup().createPassword()).isTrue();
        assertThat(c.backup().maxQuiesce()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.backup().schedule()).isEmpty();
        assertThat(c.backup().stagingBudget()).isEqualTo(1L << 30);
        assertThat(c.backup().resticNice()).isEqualTo(10);
        assertThat(c.backup().flushTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void theFlushBeforeTheQuiesceTurnsOffWithZero() throws IOException {
        AgentConfig off = ConfigLoader.load(Optional.of(yaml("backup:\n  flush-timeout: 0s\n")), Map.of(), Map.of(),
                DEFAULT_DIR);
        assertThat(off.backup().flushTimeout()).isZero();
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(yaml("backup:\n  flush-timeout: soon\n")), Map.of(),
                Map.of(), DEFAULT_DIR)).hasMessageContaining("backup.flush-timeout").hasMessageContaining("soon");
    }

    @Test
    void backupRepositoryComesFromTheConfigElseResticsOwnVariables() throws IOException {
        AgentConfig fromEnv = ConfigLoader.load(Optional.empty(), Map.of("RESTIC_REPOSITORY", "sftp:h:/r",
                "RESTIC_PASSWORD_FILE", "/etc/pw"), Map.of(), DEFAULT_DIR);
        assertThat(fromEnv.backup().repository()).isEqualTo("sftp:h:/r");
        assertThat(fromEnv.backup().passwordFile()).isEqualTo(Path.of("/etc/pw"));
        assertThat(fromEnv.backup().createPassword()).isFalse();
        Path f = yaml("backup:\n  repository: /srv/repo\n  schedule: \"30 3 * * *\"\n  prune-every: 2d\n");
        AgentConfig fromFile = ConfigLoader.load(Optional.of(f), Map.of("RESTIC_REPOSITORY", "sftp:h:/r"), Map.of(),
                DEFAULT_DIR);
        assertThat(fromFile.backup().repository()).isEqualTo("/srv/repo");
        assertThat(fromFile.backup().schedule()).isPresent();
        assertThat(fromFile.backup().pruneEvery()).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void badBackupValuesAreNamed() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(yaml("backup:\n  schedule: every night\n")), Map.of(),
                Map.of(), DEFAULT_DIR)).hasMessageContaining("backup.schedule").hasMessageContaining("every night");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(yaml("backup:\n  restic-nice: 25\n")), Map.of(),
                Map.of(), DEFAULT_DIR)).hasMessageContaining("backup.restic-nice").hasMessageContaining("'25'")
                .hasMessageContaining("between 0 and 19");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(yaml("backup:\n  staging-budget: lots\n")), Map.of(),
                Map.of(), DEFAULT_DIR)).hasMessageContaining("backup.staging-budget").hasMessageContaining("lots");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(yaml("backup:\n  keep-daily: 0\n  keep-weekly: 0\n"
                + "  keep-monthly: 0\n")), Map.of(), Map.of(), DEFAULT_DIR)).hasMessageContaining("forget every");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(yaml("backup:\n  max-quiesce: 0s\n")), Map.of(),
                Map.of(), DEFAULT_DIR)).hasMessageContaining("backup.max-quiesce");
    }

    @Test
    void fileThenEnvironmentThenFlagsWin() throws IOException {
        Path f = yaml("data-dir: /from/file\nengine: unix:///file.sock\nrecovery:\n  parallelism: 2\n");
        AgentConfig c = ConfigLoader.load(Optional.of(f), Map.of("LIFELINE_ENGINE", "unix:///env.sock",
                "LIFELINE_DATA_DIR", "/from/env"), Map.of("data-dir", "/from/flag"), DEFAULT_DIR);
        assertThat(c.dataDir()).isEqualTo(Path.of("/from/flag"));
        assertThat(c.engine()).contains("unix:///env.sock");
        assertThat(c.recovery().parallelism()).isEqualTo(2);
    }

    @Test
    void anUnknownKeyIsNamedWithTheFile() throws IOException {
        Path f = yaml("recovery:\n  paralelism: 2\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of(), DEFAULT_DIR))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("recovery.paralelism").hasMessageContaining(f.toString());
    }

    @Test
    void aBadValueIsNamedWithItsKeyValueAndSource() throws IOException {
        Path f = yaml("recovery:\n  settle-time: soon\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of(), DEFAULT_DIR))
                .hasMessageContaining("recovery.settle-time").hasMessageContaining("'soon'")
                .hasMessageContaining(f.toString());
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("LIFELINE_LISTEN", "nowhere"), Map.of(),
                DEFAULT_DIR)).hasMessageContaining("api.listen").hasMessageContaining("LIFELINE_LISTEN");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("recovery.parallelism", "0"), DEFAULT_DIR))
                .hasMessageContaining("recovery.parallelism").hasMessageContaining("between 1 and 64");
    }

    @Test
    void crossFieldRulesNameBothKeys() throws IOException {
        Path f = yaml("recovery:\n  retry:\n    initial-delay: 1m\n    max-delay: 10s\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of(), DEFAULT_DIR))
                .hasMessageContaining("recovery.retry.initial-delay").hasMessageContaining("recovery.retry.max-delay");
    }

    @Test
    void malformedYamlSaysWhere() throws IOException {
        Path f = yaml("recovery: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of(), DEFAULT_DIR))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
    }

    @Test
    void aFileThatIsNotAMappingOfKeysSaysWhatItIs() throws IOException {
        for (Map.Entry<String, String> bad : Map.of("- a\n- b\n", "got a list", "just words\n",
                "got the single value 'just words'", "recovery:\n  parallelism:\n    - 1\n",
                "key recovery.parallelism must be a single value, got a list").entrySet()) {
            Path f = yaml(bad.getKey());
            assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of(), DEFAULT_DIR))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(bad.getValue());
        }
        Path empty = yaml("# nothing set\n");
        assertThat(ConfigLoader.load(Optional.of(empty), Map.of(), Map.of(), DEFAULT_DIR))
                .isEqualTo(ConfigLoader.load(Optional.empty(), Map.of(), Map.of(), DEFAULT_DIR));
        Path scalars = yaml("recovery:\n  parallelism: 7\n  settle-time: 1500ms\nengine: ~\n");
        AgentConfig read = ConfigLoader.load(Optional.of(scalars), Map.of(), Map.of(), DEFAULT_DIR);
        assertThat(read.recovery().parallelism()).isEqualTo(7);
        assertThat(read.recovery().settleTime()).isEqualTo(java.time.Duration.ofMillis(1500));
    }

    @Test
    void shippedExampleFileLoadsAndMatchesTheDefaults() {
        Path example = Path.of("..", "packaging", "lifeline.yaml");
        AgentConfig fromFile = ConfigLoader.load(Optional.of(example), Map.of(), Map.of(), DEFAULT_DIR);
        AgentConfig defaults = ConfigLoader.load(Optional.empty(), Map.of(), Map.of(), DEFAULT_DIR);
        assertThat(fromFile).isEqualTo(defaults);
    }

    @Test
    void theControlPlaneIsOffByDefaultAndReadFromFlagsOrTheEnvironment() {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of(), Map.of(), DEFAULT_DIR).controlPlane()).isEmpty();
        AgentConfig flags = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("control-plane.url",
                "https://cp.example:7420/", "control-plane.join-token-file", "/etc/lifeline/join.token"), DEFAULT_DIR);
        AgentConfig.ControlPlane cp = flags.controlPlane().orElseThrow();
        assertThat(cp.url()).hasToString("https://cp.example:7420");
        assertThat(cp.joinTokenFile()).contains(Path.of("/etc/lifeline/join.token"));
        assertThat(cp.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cp.caFile()).isEmpty();
        assertThat(cp.hostName()).as("empty: the machine's name").isEmpty();
        AgentConfig env = ConfigLoader.load(Optional.empty(), Map.of("LIFELINE_CONTROL_PLANE", "http://127.0.0.1:7420",
                "LIFELINE_JOIN_TOKEN_FILE", "/j"), Map.of(), DEFAULT_DIR);
        assertThat(env.controlPlane().orElseThrow().url()).hasToString("http://127.0.0.1:7420");
        assertThat(flags.controlPlaneCredentialsFile()).isEqualTo(DEFAULT_DIR.resolve("control-plane.json"));
    }

    @Test
    void aHostMayJoinUnderANameOfItsOwnAndABadOneIsNamed() {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of(), Map.of("control-plane.url", "http://127.0.0.1:7420",
                "control-plane.host-name", "nas-2"), DEFAULT_DIR).controlPlane().orElseThrow().hostName())
                .contains("nas-2");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("control-plane.url",
                "http://127.0.0.1:7420", "control-plane.host-name", "nas 2; rm -rf"), DEFAULT_DIR))
                .isInstanceOf(ConfigException.class).hasMessageContaining("control-plane.host-name")
                .hasMessageContaining("nas 2; rm -rf");
    }

    @Test
    void plainHttpIsAllowedOnlyToLoopbackUnlessTheOperatorSaysSo() {
        for (String loopback : new String[] {"http://localhost:7420", "http://127.0.0.1:7420", "http://[::1]:7420"}) {
            assertThat(ConfigLoader.load(Optional.empty(), Map.of(), Map.of("control-plane.url", loopback),
                    DEFAULT_DIR).controlPlane()).as(loopback).isPresent();
        }
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("control-plane.url",
                "http://10.0.0.5:7420"), DEFAULT_DIR))
                .isInstanceOf(ConfigException.class).hasMessageContaining("control-plane.url")
                .hasMessageContaining("http://10.0.0.5:7420").hasMessageContaining("allow-insecure");
        assertThat(ConfigLoader.load(Optional.empty(), Map.of(), Map.of("control-plane.url", "http://10.0.0.5:7420",
                "control-plane.allow-insecure", "true"), DEFAULT_DIR).controlPlane().orElseThrow().allowInsecure())
                .isTrue();
    }

    @Test
    void badControlPlaneValuesAreNamedWithWhatToDo() throws IOException {
        Map<String, String> bad = Map.of(
                "ftp://cp.example", "https://",
                "https:///path", "has no host",
                "https://user:pw@cp.example", "no user",
                "https://cp.example/?x=1", "no user, query");
        bad.forEach((url, expected) -> assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("control-plane.url", url), DEFAULT_DIR)).as(url).isInstanceOf(ConfigException.class)
                .hasMessageContaining("control-plane.url").hasMessageContaining(expected));
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("control-plane.join-token-file",
                "/j"), DEFAULT_DIR)).hasMessageContaining("control-plane.url is not");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("control-plane.url",
                "https://cp.example", "control-plane.heartbeat-interval", "100ms"), DEFAULT_DIR))
                .hasMessageContaining("control-plane.heartbeat-interval").hasMessageContaining("between 1s and 1h");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("control-plane.url",
                "https://cp.example", "control-plane.allow-insecure", "maybe"), DEFAULT_DIR))
                .hasMessageContaining("control-plane.allow-insecure").hasMessageContaining("true or false");
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "hello");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("control-plane.url",
                "https://cp.example", "control-plane.ca-file", notPem.toString()), DEFAULT_DIR))
                .hasMessageContaining("control-plane.ca-file").hasMessageContaining(notPem.toString());
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("control-plane.url",
                "https://cp.example", "control-plane.ca-file", dir.resolve("missing.pem").toString()), DEFAULT_DIR))
                .hasMessageContaining("cannot read");
    }

    @Test
    void durationsParseAndFormat() {
        assertThat(Durations.parse("k", "1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("k", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThatThrownBy(() -> Durations.parse("k", "10")).hasMessageContaining("'10'");
        assertThatThrownBy(() -> Durations.parse("k", "5s garbage")).hasMessageContaining("k:");
    }
}
