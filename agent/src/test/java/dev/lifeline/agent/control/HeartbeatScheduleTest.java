package dev.lifeline.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class HeartbeatScheduleTest {
    private static final Duration INTERVAL = Duration.ofSeconds(30);

    @Test
    void afterASuccessTheIntervalJitteredByTenPercent() {
        assertThat(HeartbeatSchedule.next(INTERVAL, 0, 0.0)).isEqualTo(Duration.ofSeconds(27));
        assertThat(HeartbeatSchedule.next(INTERVAL, 0, 0.5)).isEqualTo(INTERVAL);
        assertThat(HeartbeatSchedule.next(INTERVAL, 0, 0.999_999)).isBetween(Duration.ofMillis(32_999),
                Duration.ofSeconds(33));
    }

    @Test
    void whileUnreachableOneSecondDoublingUpToTheInterval() {
        assertThat(HeartbeatSchedule.next(INTERVAL, 1, 0.5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(HeartbeatSchedule.next(INTERVAL, 2, 0.5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(HeartbeatSchedule.next(INTERVAL, 5, 0.5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(HeartbeatSchedule.next(INTERVAL, 6, 0.5)).isEqualTo(INTERVAL);
        assertThat(HeartbeatSchedule.next(INTERVAL, 1_000, 0.5)).isEqualTo(INTERVAL);
    }

    @Property
    void neverSoonerThanNinetyNorLaterThanHundredTenPercentOfItsBase(@ForAll @IntRange(min = 0, max = 100) int failures,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double sample) {
        Duration d = HeartbeatSchedule.next(INTERVAL, failures, sample);
        Duration base = HeartbeatSchedule.next(INTERVAL, failures, 0.5);
        assertThat(d.toNanos()).isBetween((long) (base.toNanos() * 0.9) - 1, (long) (base.toNanos() * 1.1) + 1);
        assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(33));
    }
}
