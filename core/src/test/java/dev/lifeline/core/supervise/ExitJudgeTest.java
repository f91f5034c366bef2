package dev.lifeline.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Health;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.retry.CrashLoopBackoff;
import dev.lifeline.core.supervise.ExitJudge.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExitJudgeTest {
    private static final Instant T = Instant.parse("2026-12-05T23:48:49Z");
    private static final StackName STACK = StackName.of("dkcrash");
    private static final PendingStops.Timing STOPS = new PendingStops.Timing(Duration.ofSeconds(15), 3,
            Duration.ofMinutes(2));
    private static final CrashLoopBackoff BACKOFF = new CrashLoopBackoff(new CrashLoopBackoff.Config(
            Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10)));

    private final ExitJudge judge = new ExitJudge(BACKOFF, STOPS, ExitJudge.KILL_MEMORY);

    private static ContainerInfo exited(String name, int code) {
        return new ContainerInfo("id-" + name, name, "busybox", Map.of(), ContainerStatus.EXITED, Health.NONE,
                Optional.of(T.minusSeconds(60)), Optional.of(T), code, false, "no");
    }

    private Verdict down(int seconds, ContainerInfo... down) {
        return judge.onDown(STACK, List.of(down), false, T.minusSeconds(60), T.plusSeconds(seconds));
    }

    @Test
    void aUsr1KillThenExit3IsACrashRestartedOnceAndNeverAdoptedAsAStop() {
        // the case: docker kill -s USR1, the app exits 3; Docker records the kill (signal 10) before the die
        assertThat(judge.onKill("id-dk-crash", "10", T)).contains(new KillSignal(10));
        ContainerInfo exit = exited("dk-crash", 3);

        assertThat(down(0, exit)).isEqualTo(new Verdict.RestartLater(STACK, ExitJudge.Cause.CRASH,
                "dk-crash exit 3 after SIGUSR1", Duration.ofSeconds(10)));
        assertThat(down(5, exit)).isEqualTo(new Verdict.Wait(STACK));
        assertThat(judge.confirmedStops(T.plusSeconds(15))).isEmpty();
        assertThat(down(10, exit)).isEqualTo(new Verdict.RestartNow(STACK));
        assertThat(judge.confirmedStops(T.plusSeconds(600))).isEmpty();
    }

    @Test
    void aTermKillMakesAnyExitCodeAStopAndLaterResyncsDoNotJudgeItAgain() {
        judge.onKill("id-web", "15", T);
        ContainerInfo exit = exited("web", 1);

        assertThat(down(0, exit)).isEqualTo(new Verdict.AwaitConfirmation(STACK, "web exit 1 after SIGTERM",
                T.plusSeconds(15)));
        // the kill is spent on the first judgment; the exit code alone would say crash, but the judgment stands
        assertThat(down(5, exit)).isEqualTo(new Verdict.Wait(STACK));
        assertThat(down(10, exit)).isEqualTo(new Verdict.Wait(STACK));
        assertThat(judge.confirmedStops(T.plusSeconds(15)))
                .containsExactly(new ExitJudge.Adoption(STACK, "web exit 1 after SIGTERM"));
    }

    @Test
    void aKillReadAfterTheExitWasJudgedChangesNothing() {
        ContainerInfo exit = exited("web", 1);
        assertThat(down(0, exit)).isInstanceOf(Verdict.RestartLater.class);
        judge.onKill("id-web", "SIGTERM", T.plusSeconds(1));
        assertThat(down(2, exit)).isEqualTo(new Verdict.Wait(STACK));
        assertThat(down(10, exit)).isEqualTo(new Verdict.RestartNow(STACK));
        assertThat(judge.confirmedStops(T.plusSeconds(60))).isEmpty();
    }

    @Test
    void podmansKillNamesNoSignalSoTheExitCodeDecides() {
        assertThat(judge.onKill("id-web", null, T)).isEmpty();
        assertThat(down(0, exited("web", 3))).isInstanceOf(Verdict.RestartLater.class);

        ExitJudge other = new ExitJudge(BACKOFF, STOPS, ExitJudge.KILL_MEMORY);
        other.onKill("id-web", null, T);
        assertThat(other.onDown(STACK, List.of(exited("web", 137)), false, T, T))
                .isInstanceOf(Verdict.AwaitConfirmation.class);
    }

    @Test
    void aFailedRestartIsFollowedByTheCrashLoopsNextDelayNotByAnAdoption() {
        ContainerInfo exit = exited("web", 3);
        down(0, exit);
        assertThat(down(10, exit)).isEqualTo(new Verdict.RestartNow(STACK));
        // the restart did not bring it up; a TERM kill read now speaks for no exit of this judgment
        judge.onKill("id-web", "15", T.plusSeconds(11));
        assertThat(down(12, exit)).isEqualTo(new Verdict.RestartLater(STACK, ExitJudge.Cause.CRASH, "web exit 3",
                Duration.ofSeconds(20)));
        assertThat(judge.confirmedStops(T.plusSeconds(600))).isEmpty();
    }

    @Test
    void aStackSeenUpEndsItsJudgmentAndItsNextExitIsJudgedAfresh() {
        down(0, exited("web", 3));
        judge.onUp(STACK);
        assertThat(down(20, exited("web", 143))).isInstanceOf(Verdict.AwaitConfirmation.class);
        judge.onUp(STACK);
        assertThat(judge.confirmedStops(T.plusSeconds(600))).isEmpty();
        assertThat(down(700, exited("web", 3))).isInstanceOf(Verdict.RestartLater.class);
    }

    @Test
    void aPromisedStartIsRestartedEvenAfterAStopKill() {
        judge.onKill("id-web", "15", T);
        assertThat(judge.onDown(STACK, List.of(exited("web", 143)), true, T, T))
                .isEqualTo(new Verdict.RestartLater(STACK, ExitJudge.Cause.START_PROMISED, "web exit 143 after SIGTERM",
                        Duration.ofSeconds(10)));
    }

    @Test
    void aKillOlderThanItsMemoryOrSpentOnAnEarlierExitSaysNothing() {
        judge.onKill("id-web", "15", T);
        assertThat(down(61, exited("web", 3))).isInstanceOf(Verdict.RestartLater.class);
        judge.forget(STACK);

        judge.onKill("id-web", "15", T.plusSeconds(100));
        assertThat(down(100, exited("web", 143))).isInstanceOf(Verdict.AwaitConfirmation.class);
        judge.onUp(STACK);
        assertThat(down(110, exited("web", 3))).as("the kill went with the exit before")
                .isInstanceOf(Verdict.RestartLater.class);
    }

    @Test
    void anOomKillIsACrashAndTheShutdownDropsStopsAwaitingConfirmation() {
        ContainerInfo oom = new ContainerInfo("id-db", "db", "busybox", Map.of(), ContainerStatus.EXITED, Health.NONE,
                Optional.empty(), Optional.empty(), 137, true, "no");
        assertThat(down(0, oom)).isEqualTo(new Verdict.RestartLater(STACK, ExitJudge.Cause.CRASH, "db exit 137 oom",
                Duration.ofSeconds(10)));

        StackName blog = StackName.of("blog");
        judge.onDown(blog, List.of(exited("blog", 143)), false, T, T);
        assertThat(judge.discardPendingStops()).containsExactly(blog);
        assertThat(judge.confirmedStops(T.plusSeconds(600))).isEmpty();
    }
}
