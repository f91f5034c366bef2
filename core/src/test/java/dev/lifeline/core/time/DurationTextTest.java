package dev.lifeline.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void readsUnitsAndTheirSums() {
        assertThat(DurationText.parse("k", "1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse("k", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationText.parse("k", "2d")).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void writesTheShortestExactForm() {
        assertThat(DurationText.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void aValueThatIsNoDurationIsNamedWithItsKey() {
        assertThatThrownBy(() -> DurationText.parse("heartbeat-interval", "10"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("heartbeat-interval: '10' is not a duration; use for example 500ms, 10s, 5m or 1h");
        assertThatThrownBy(() -> DurationText.parse("k", " ")).hasMessageContaining("k: empty duration");
    }
}
