package dev.lifeline.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KillSignalTest {

    @Test
    void readsDockersNumbersAndNamesWithOrWithoutSig() {
        assertThat(KillSignal.parse("15")).contains(new KillSignal(15));
        assertThat(KillSignal.parse("SIGTERM")).contains(new KillSignal(15));
        assertThat(KillSignal.parse(" usr1 ")).contains(new KillSignal(10));
        assertThat(KillSignal.parse("SIGPOLL")).contains(new KillSignal(29));
        assertThat(KillSignal.parse("64")).contains(new KillSignal(64));
    }

    @Test
    void noSignalOrNotASignalIsEmpty() {
        // Podman's kill event names no signal
        assertThat(KillSignal.parse(null)).isEmpty();
        assertThat(KillSignal.parse("")).isEmpty();
        assertThat(KillSignal.parse("0")).isEmpty();
        assertThat(KillSignal.parse("65")).isEmpty();
        assertThat(KillSignal.parse("SIGNOPE")).isEmpty();
        assertThat(KillSignal.parse("-9")).isEmpty();
        assertThatThrownBy(() -> new KillSignal(0)).hasMessageContaining("1..64");
    }

    @Test
    void theSignalsMeantToEndAProcessAreStops() {
        for (String s : List.of("TERM", "KILL", "INT", "QUIT", "ABRT", "SEGV", "PIPE", "ALRM", "PWR")) {
            assertThat(KillSignal.parse(s).orElseThrow().endsTheProcess()).as(s).isTrue();
        }
    }

    @Test
    void reloadLogRotationAndIgnoredSignalsAreNoStop() {
        for (String s : List.of("HUP", "USR1", "USR2", "WINCH", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
                "URG", "34", "40", "64")) {
            assertThat(KillSignal.parse(s).orElseThrow().endsTheProcess()).as(s).isFalse();
        }
    }

    @Test
    void namesItselfTheWayPeopleWriteIt() {
        assertThat(new KillSignal(15)).hasToString("SIGTERM");
        assertThat(new KillSignal(10)).hasToString("SIGUSR1");
        assertThat(new KillSignal(36)).hasToString("SIGRTMIN+2");
        assertThat(new KillSignal(32)).hasToString("signal 32");
    }
}
