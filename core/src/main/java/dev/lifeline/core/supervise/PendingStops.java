package dev.lifeline.core.supervise;

import dev.lifeline.core.model.StackName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stops seen from outside Lifeline that will become the user's decision ({@code user-stopped}) once confirmed.
 *
 * <p>A stop is confirmed only after a delay, so that the stops a host makes while it goes down (the engine stopping
 * every container before the agent gets its SIGTERM) are never mistaken for user intent: the agent discards every
 * pending stop when its own shutdown begins. When several stacks stop within one delay, that burst looks like a host
 * or engine shutdown and waits for the longer burst delay. Pure: time is an argument.
 */
public final class PendingStops {

    /** How long to wait before a stop becomes intent. */
    public record Timing(Duration confirmAfter, int burstStacks, Duration burstConfirmAfter) {
        public Timing {
            if (confirmAfter.isNegative()) {
                throw new IllegalArgumentException("supervision.user-stop-confirm must be >= 0, got " + confirmAfter);
            }
            if (burstStacks < 2) {
                throw new IllegalArgumentException("supervision.shutdown-burst-stacks must be >= 2, got " + burstStacks);
            }
            if (burstConfirmAfter.compareTo(confirmAfter) < 0) {
                throw new IllegalArgumentException("supervision.shutdown-burst-confirm must be >= user-stop-confirm, got "
                        + burstConfirmAfter + " < " + confirmAfter);
            }
        }

        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(15), 3, Duration.ofMinutes(2));
    }

    /** One stop waiting for confirmation. */
    public record Pending(StackName stack, Instant seenAt, String detail) {}

    private final Timing timing;
    private final Map<StackName, Pending> pending = new LinkedHashMap<>();

    public PendingStops(Timing timing) {
        this.timing = timing;
    }

    /** Records a stop; a stack already pending keeps its first sighting. */
    public void observe(StackName stack, Instant now, String detail) {
        pending.putIfAbsent(stack, new Pending(stack, now, detail));
    }

    /** The stack came back up (or Lifeline took it over): nothing to confirm. */
    public void cancel(StackName stack) {
        pending.remove(stack);
    }

    /** The agent is shutting down: none of these stops can be trusted as user intent. */
    public List<Pending> discardAll() {
        List<Pending> dropped = List.copyOf(pending.values());
        pending.clear();
        return dropped;
    }

    public boolean isPending(StackName stack) {
        return pending.containsKey(stack);
    }

    /** Removes and returns the stops that are confirmed as user intent at {@code now}. */
    public List<Pending> confirmed(Instant now) {
        Duration wait = inBurst() ? timing.burstConfirmAfter() : timing.confirmAfter();
        List<Pending> due = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (!p.seenAt().plus(wait).isAfter(now)) {
                due.add(p);
            }
        }
        due.forEach(p -> pending.remove(p.stack()));
        return due;
    }

    /** The earliest instant at which {@link #confirmed} may return something, if anything is pending. */
    public java.util.Optional<Instant> nextCheckAt() {
        Duration wait = inBurst() ? timing.burstConfirmAfter() : timing.confirmAfter();
        return pending.values().stream().map(p -> p.seenAt().plus(wait)).min(Instant::compareTo);
    }

    private boolean inBurst() {
        if (pending.size() < timing.burstStacks()) {
            return false;
        }
        List<Instant> seen = pending.values().stream().map(Pending::seenAt).sorted().toList();
        for (int i = 0; i + timing.burstStacks() - 1 < seen.size(); i++) {
            Instant first = seen.get(i);
            Instant last = seen.get(i + timing.burstStacks() - 1);
            if (!first.plus(timing.confirmAfter()).isBefore(last)) {
                return true;
            }
        }
        return false;
    }
}
