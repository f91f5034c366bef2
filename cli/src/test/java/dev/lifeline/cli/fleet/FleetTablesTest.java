package dev.lifeline.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FleetTablesTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void agesReadAsPeopleSayThem() {
        assertThat(Ago.format(null, NOW)).isEqualTo("never");
        assertThat(Ago.format(NOW.minusSeconds(12), NOW)).isEqualTo("12s ago");
        assertThat(Ago.format(NOW.minusSeconds(600), NOW)).isEqualTo("10m ago");
        assertThat(Ago.format(NOW.minusSeconds(5 * 3600), NOW)).isEqualTo("5h ago");
        assertThat(Ago.format(NOW.minusSeconds(3 * 86400), NOW)).isEqualTo("3d ago");
        assertThat(Ago.format(NOW.plusSeconds(2), NOW)).isEqualTo("just now");
    }
}
