package dev.lifeline.control.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlConfigLoaderTest {
    private static final Path DEFAULT_DIR = Path.of("/var/lib/lifeline-control");

    private static ControlConfig load(Map<String, String> flags, Map<String, String> env) {
        return ControlConfigLoader.load(flags, env, DEFAULT_DIR);
    }

    @Test
    void defaultsServeLoopbackOnTheEmbeddedDatabase() {
        ControlConfig c = load(Map.of(), Map.of());
        assertThat(c.dataDir()).isEqualTo(DEFAULT_DIR);
        assertThat(c.embeddedDatabaseDir()).isEqualTo(DEFAULT_DIR.resolve("postgres"));
        assertThat(c.database()).isEmpty();
        assertThat(c.listen().toString()).isEqualTo("127.0.0.1:7420");
        assertThat(c.listen().loopback()).isTrue();
        assertThat(c.tls()).isEmpty();
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.monitorInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.rules().unreachableAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.rules().failoverGrace()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.rules().transientGrace()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.rules().snapshotGrace()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.rules().massSilenceShare()).isEqualTo(0.5);
    }

    @Test
    void theEnvironmentSetsEveryKeyAndFlagsWinOverIt() {
        ControlConfig c = load(Map.of("heartbeat-interval", "5s"), Map.of(
                "LIFELINE_CONTROL_HEARTBEAT_INTERVAL", "10s", "LIFELINE_CONTROL_MONITOR_INTERVAL", "2s",
                "LIFELINE_CONTROL_DATA_DIR", "/srv/control", "LIFELINE_CONTROL_DB",
                "postgresql://fleet:pw@db:5432/lifeline", "LIFELINE_CONTROL_MASS_SILENCE_SHARE", "0.8",
                "LIFELINE_CONTROL_SNAPSHOT_GRACE", "30m"));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.monitorInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.dataDir()).isEqualTo(Path.of("/srv/control"));
        assertThat(c.database().orElseThrow().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/lifeline");
        assertThat(c.rules().massSilenceShare()).isEqualTo(0.8);
        assertThat(c.rules().snapshotGrace()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void theThresholdAndTheFailoverGraceFollowTheHeartbeatUnlessSet() {
        ControlConfig short1 = load(Map.of("heartbeat-interval", "1s"), Map.of());
        assertThat(short1.rules().unreachableAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(short1.rules().failoverGrace()).isEqualTo(Duration.ofSeconds(3));
        ControlConfig set = load(Map.of("heartbeat-interval", "1s", "unreachable-after", "5s", "failover-grace",
                "0s"), Map.of());
        assertThat(set.rules().unreachableAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(set.rules().failoverGrace()).isZero();
    }

    @Test
    void everyBadValueIsNamedWithItsKeyValueAndSource() {
        assertThatThrownBy(() -> load(Map.of("heartbeat-interval", "often"), Map.of()))
                .isInstanceOf(ControlConfigException.class)
                .hasMessage("heartbeat-interval: 'often' (from flag --heartbeat-interval) is not a duration; use for "
                        + "example 500ms, 10s, 5m or 1h");
        assertThatThrownBy(() -> load(Map.of(), Map.of("LIFELINE_CONTROL_MASS_SILENCE_SHARE", "1.5")))
                .hasMessageStartingWith("mass-silence-share: '1.5' (from environment "
                        + "LIFELINE_CONTROL_MASS_SILENCE_SHARE) must be a share above 0 and at most 1");
        assertThatThrownBy(() -> load(Map.of("monitor-interval", "0s"), Map.of()))
                .hasMessageContaining("monitor-interval: '0s' (from flag --monitor-interval) must be greater than zero");
        assertThatThrownBy(() -> load(Map.of("listen", "7420"), Map.of()))
                .hasMessageContaining("listen: '7420' (from flag --listen) must be HOST:PORT");
        assertThatThrownBy(() -> load(Map.of("listen", "127.0.0.1:99999"), Map.of()))
                .hasMessageContaining("port outside 0-65535");
        assertThatThrownBy(() -> load(Map.of("allow-insecure", "maybe"), Map.of()))
                .hasMessageContaining("allow-insecure: 'maybe' (from flag --allow-insecure) must be true or false");
        assertThatThrownBy(() -> load(Map.of("unreachable-after", "20s"), Map.of()))
                .hasMessageContaining("unreachable-after: '20s' (from flag --unreachable-after) must be longer than "
                        + "heartbeat-interval (30s)");
        assertThatThrownBy(() -> load(Map.of("colour", "blue"), Map.of())).hasMessageStartingWith(
                "unknown setting 'colour'");
    }

    @Test
    void aBadDatabaseUrlIsNamedWithoutItsPassword() {
        assertThatThrownBy(() -> load(Map.of("db", "mysql://root:hunter2@db/x"), Map.of()))
                .hasMessageStartingWith("db (from flag --db): ")
                .hasMessageContaining("postgresql://USER:PASSWORD@HOST").hasMessageNotContaining("hunter2");
    }

    @Test
    void plainHttpOnANetworkAddressNeedsTheOperatorsWord() {
        assertThatThrownBy(() -> load(Map.of("listen", "0.0.0.0:7420"), Map.of()))
                .hasMessageContaining("listen: '0.0.0.0:7420' (from flag --listen) is not a loopback address and no "
                        + "TLS is configured: give --tls-cert and --tls-key");
        ControlConfig insecure = load(Map.of("listen", "0.0.0.0:7420", "allow-insecure", "true"), Map.of());
        assertThat(insecure.allowInsecure()).isTrue();
        assertThat(load(Map.of("listen", "localhost:7420"), Map.of()).listen().loopback()).isTrue();
        assertThat(load(Map.of("listen", "[::1]:7420"), Map.of()).listen().loopback()).isTrue();
    }

    @Test
    void tlsNeedsBothFilesAndReadableOnes() {
        assertThatThrownBy(() -> load(Map.of("tls-cert", "/etc/ssl/cp.pem"), Map.of()))
                .hasMessageContaining("tls-cert: '/etc/ssl/cp.pem' (from flag --tls-cert) is given without "
                        + "--tls-key");
        assertThatThrownBy(() -> load(Map.of("tls-cert", "/nonexistent/cp.pem", "tls-key", "/nonexistent/k.pem"),
                Map.of())).hasMessageContaining("tls-cert: '/nonexistent/cp.pem' (from flag --tls-cert) cannot be "
                        + "read");
    }
}
