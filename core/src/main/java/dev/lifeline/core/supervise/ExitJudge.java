package dev.lifeline.core.supervise;

import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.retry.CrashLoopBackoff;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides, once per exit, whether a stack that went down while it should run crashed (restart it after a crash-loop
 * delay) or was stopped from outside Lifeline (adopt the stop as the user's intent once {@link PendingStops} confirms
 * it). Pure: the supervisor tells it what the engine showed and what time it is, and does what it answers.
 *
 * <p>The rules, in the order they apply:
 * <ol>
 *   <li>A stack is judged when a resync first sees it down: a stack Lifeline promised to start, or one whose down
 *   containers include a crash ({@link ExitKind}: an exit code that is not a stop signal's, or an OOM kill) is to be
 *   restarted; any other is a stop awaiting confirmation.</li>
 *   <li>A {@code kill} event from outside Lifeline whose signal ends a process ({@link KillSignal#endsTheProcess}:
 *   TERM, KILL, INT, QUIT, ...), seen at most {@code killMemory} before the exit is seen, makes that exit a stop
 *   whatever its code: an app may exit 1 on SIGTERM. Any other kill event (HUP, USR1, USR2, WINCH, ..., or Podman's,
 *   which names no signal) leaves the exit code to decide.</li>
 *   <li>The first judgment stands for as long as the stack stays down: later resyncs, later exits of its other
 *   containers and kill events that arrive late do not judge it again. A stop awaiting confirmation is never
 *   restarted; a stack waiting for its crash restart, or down again after it, is never adopted as stopped (a failed
 *   restart is followed by the crash loop's next delay).</li>
 *   <li>The judgment ends when the stack is seen up, when its stop is adopted, or when the user decides or the stack
 *   is gone ({@link #forget}).</li>
 *   <li>When the agent shuts down, the stops awaiting confirmation are dropped ({@link #discardPendingStops}).</li>
 * </ol>
 *
 * <p>Docker records {@code kill} (with the signal) before {@code die} and {@code stop} after it; Podman records only
 * {@code die}, or {@code kill} without a signal then {@code die}. A resync may see an exit before the supervisor has
 * read its kill event: then rule 1 judges by the exit code and rule 3 keeps that judgment.
 */
public final class ExitJudge {
    /** The default for how long a kill event speaks for the container's next exit. */
    public static final Duration KILL_MEMORY = Duration.ofMinutes(1);

    /** What to do now about a stack that is down while it should run. */
    public sealed interface Verdict {
        StackName stack();

        /** Judged before: its restart is not due yet, or its stop awaits confirmation. */
        record Wait(StackName stack) implements Verdict {}

        /** Newly judged a crash (or a promised start): restart after {@code delay}. */
        record RestartLater(StackName stack, Cause cause, String exits, Duration delay) implements Verdict {}

        /** The restart decided earlier is due. */
        record RestartNow(StackName stack) implements Verdict {}

        /** Newly judged a stop from outside; confirmed (or not) at {@code checkAt} at the earliest. */
        record AwaitConfirmation(StackName stack, String exits, Instant checkAt) implements Verdict {}
    }

    /** Why a stack is restarted. */
    public enum Cause {
        CRASH("crash"), START_PROMISED("start_promised");

        private final String text;

        Cause(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A stop from outside confirmed as the user's decision. */
    public record Adoption(StackName stack, String exits) {}

    private enum Judgment { RESTART, STOP }

    private record Kill(KillSignal signal, Instant at) {}

    private final CrashLoopBackoff backoff;
    private final PendingStops pendingStops;
    private final Duration killMemory;
    private final Map<StackName, Judgment> judged = new HashMap<>();
    private final Map<StackName, Instant> restartAt = new HashMap<>();
    private final Map<StackName, CrashLoopBackoff.State> crashLoops = new HashMap<>();
    /** Per container, the latest kill event from outside whose signal ends a process, and the latest other one. */
    private final Map<String, Kill> stopKills = new HashMap<>();
    private final Map<String, Kill> otherKills = new HashMap<>();

    public ExitJudge(CrashLoopBackoff backoff, PendingStops.Timing userStops, Duration killMemory) {
        this.backoff = backoff;
        this.pendingStops = new PendingStops(userStops);
        this.killMemory = killMemory;
    }

    /**
     * A {@code kill} event from outside Lifeline. Returns the signal it named, if any, and whether it counts as a stop
     * for the container's next exit.
     */
    public Optional<KillSignal> onKill(String containerId, String signal, Instant now) {
        Optional<KillSignal> parsed = KillSignal.parse(signal);
        parsed.ifPresent(s -> (s.endsTheProcess() ? stopKills : otherKills).put(containerId, new Kill(s, now)));
        return parsed;
    }

    /**
     * The container started (a {@code start} event): a kill before it says nothing about this run's exit. Docker and
     * Podman record a late kill of the run before (one that did not end it) ahead of the start.
     */
    public void onStart(String containerId) {
        dropKills(containerId);
    }

    /** The stack is up: a stop awaiting confirmation is cancelled, a restart is no longer needed. */
    public void onUp(StackName stack) {
        pendingStops.cancel(stack);
        restartAt.remove(stack);
        judged.remove(stack);
    }

    /** The user decided about the stack, or it is gone: nothing is left to judge, and its crash streak ends. */
    public void forget(StackName stack) {
        onUp(stack);
        crashLoops.remove(stack);
    }

    /**
     * A resync saw {@code stack} down while it should run.
     *
     * @param down      its containers that are not up
     * @param promised  Lifeline promised to start it (an interrupted start, a backup's quiesce)
     * @param lastStart when its containers last started (for the crash loop's reset), {@code now} when unknown
     */
    public Verdict onDown(StackName stack, List<ContainerInfo> down, boolean promised, Instant lastStart, Instant now) {
        forgetOldKills(now);
        Judgment judgment = judged.get(stack);
        if (judgment == Judgment.STOP) {
            consumeKills(down);
            return new Verdict.Wait(stack);
        }
        if (judgment == Judgment.RESTART) {
            consumeKills(down);
            Instant at = restartAt.get(stack);
            if (at == null) {
                // the restart ran and the stack is still, or again, down: the crash loop goes on
                return restartLater(stack, promised, describe(down), lastStart, now);
            }
            if (now.isBefore(at)) {
                return new Verdict.Wait(stack);
            }
            restartAt.remove(stack);
            return new Verdict.RestartNow(stack);
        }
        boolean stopKilled = down.stream().anyMatch(c -> stopKills.containsKey(c.id()));
        boolean crashed = !stopKilled
                && down.stream().anyMatch(c -> ExitKind.of(c.exitCode(), c.oomKilled()) == ExitKind.CRASHED);
        String exits = describe(down);
        consumeKills(down);
        if (crashed || promised) {
            judged.put(stack, Judgment.RESTART);
            return restartLater(stack, promised, exits, lastStart, now);
        }
        judged.put(stack, Judgment.STOP);
        pendingStops.observe(stack, now, exits);
        return new Verdict.AwaitConfirmation(stack, exits, pendingStops.nextCheckAt().orElse(now));
    }

    /** The stops confirmed at {@code now}: each becomes the user's intent; their judgments end. */
    public List<Adoption> confirmedStops(Instant now) {
        return pendingStops.confirmed(now).stream().map(p -> {
            judged.remove(p.stack());
            crashLoops.remove(p.stack());
            return new Adoption(p.stack(), p.detail());
        }).toList();
    }

    /** The earliest instant a stop awaiting confirmation may be confirmed. */
    public Optional<Instant> nextCheckAt() {
        return pendingStops.nextCheckAt();
    }

    /** The agent is shutting down: no stop awaiting confirmation can be trusted as the user's. Returns them. */
    public List<StackName> discardPendingStops() {
        List<StackName> dropped = pendingStops.discardAll().stream().map(PendingStops.Pending::stack).toList();
        dropped.forEach(judged::remove);
        return dropped;
    }

    private Verdict restartLater(StackName stack, boolean promised, String exits, Instant lastStart, Instant now) {
        CrashLoopBackoff.Decision d = backoff.onCrash(crashLoops.getOrDefault(stack, CrashLoopBackoff.State.INITIAL),
                lastStart, now);
        crashLoops.put(stack, d.state());
        restartAt.put(stack, d.nextRestartAt());
        return new Verdict.RestartLater(stack, promised ? Cause.START_PROMISED : Cause.CRASH, exits, d.delay());
    }

    /** "web exit 1 after SIGTERM, db exit 137 oom": each down container with its exit and the kill before it. */
    private String describe(List<ContainerInfo> down) {
        return down.stream().map(c -> c.name() + " exit " + c.exitCode() + (c.oomKilled() ? " oom" : "")
                        + Optional.ofNullable(stopKills.get(c.id())).or(() -> Optional.ofNullable(otherKills.get(c.id())))
                                .map(k -> " after " + k.signal()).orElse(""))
                .collect(Collectors.joining(", "));
    }

    /** The kill events of these exits are spent: they say nothing about the containers' next exits. */
    private void consumeKills(List<ContainerInfo> down) {
        down.forEach(c -> dropKills(c.id()));
    }

    private void dropKills(String containerId) {
        stopKills.remove(containerId);
        otherKills.remove(containerId);
    }

    private void forgetOldKills(Instant now) {
        stopKills.values().removeIf(k -> k.at().plus(killMemory).isBefore(now));
        otherKills.values().removeIf(k -> k.at().plus(killMemory).isBefore(now));
    }
}
