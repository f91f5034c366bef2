package dev.lifeline.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.core.model.StackName;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PendingStopsTest {
    private static final Instant T = Instant.parse("2026-11-21T10:00:00Z");
    private static final PendingStops.Timing TIMING =
            new PendingStops.Timing(Duration.ofSeconds(15), 3, Duration.ofMinutes(2));

    @Test
    void aStopBecomesIntentOnlyAfterTheConfirmationDelay() {
        PendingStops stops = new PendingStops(TIMING);
        stops.observe(StackName.of("blog"), T, "blog exit 143");
        assertThat(stops.confirmed(T.plusSeconds(14))).isEmpty();
        assertThat(stops.confirmed(T.plusSeconds(15))).extracting(p -> p.stack().value()).containsExactly("blog");
        assertThat(stops.isPending(StackName.of("blog"))).isFalse();
    }

    @Test
    void stopsSeenBeforeTheAgentShutsDownAreNeverConfirmed() {
        PendingStops stops = new PendingStops(TIMING);
        stops.observe(StackName.of("blog"), T, "exit 143");
        assertThat(stops.discardAll()).hasSize(1);
        assertThat(stops.confirmed(T.plusSeconds(600))).isEmpty();
    }

    @Test
    void aBurstOfStopsLooksLikeAHostShutdownAndWaitsLonger() {
        PendingStops stops = new PendingStops(TIMING);
        stops.observe(StackName.of("a"), T, "");
        stops.observe(StackName.of("b"), T.plusSeconds(1), "");
        stops.observe(StackName.of("c"), T.plusSeconds(2), "");
        assertThat(stops.confirmed(T.plusSeconds(60))).isEmpty();
        assertThat(stops.confirmed(T.plusSeconds(122))).hasSize(3);
    }

    @Test
    void aStackThatComesBackIsNotConfirmed() {
        PendingStops stops = new PendingStops(TIMING);
        stops.observe(StackName.of("blog"), T, "");
        stops.cancel(StackName.of("blog"));
        assertThat(stops.confirmed(T.plusSeconds(60))).isEmpty();
        assertThat(stops.nextCheckAt()).isEmpty();
    }

    @Test
    void timingIsValidatedWithTheKeyInTheMessage() {
        assertThatThrownBy(() -> new PendingStops.Timing(Duration.ofSeconds(30), 3, Duration.ofSeconds(10)))
                .hasMessageContaining("supervision.shutdown-burst-confirm");
        assertThatThrownBy(() -> new PendingStops.Timing(Duration.ofSeconds(1), 1, Duration.ofSeconds(10)))
                .hasMessageContaining("supervision.shutdown-burst-stacks");
    }

    @Test
    void exitCodesOfStopSignalsAreStopsAndEverythingElseIsACrash() {
        assertThat(ExitKind.of(143, false)).isEqualTo(ExitKind.STOPPED);
        assertThat(ExitKind.of(137, false)).isEqualTo(ExitKind.STOPPED);
        assertThat(ExitKind.of(0, false)).isEqualTo(ExitKind.STOPPED);
        assertThat(ExitKind.of(137, true)).isEqualTo(ExitKind.CRASHED);
        assertThat(ExitKind.of(1, false)).isEqualTo(ExitKind.CRASHED);
        assertThat(ExitKind.of(255, false)).isEqualTo(ExitKind.CRASHED);
    }
}
