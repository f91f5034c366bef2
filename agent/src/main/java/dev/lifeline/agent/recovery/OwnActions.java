package dev.lifeline.agent.recovery;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The containers Lifeline itself is starting or stopping, so that the engine events those actions cause are not
 * mistaken for a user's stop or a crash. Events arrive asynchronously, so a stop stays "own" for a short window after
 * it ends; a start does not (a container that dies right after Lifeline started it crashed, and supervision must see
 * that at once).
 */
public final class OwnActions {
    private static final Duration LINGER = Duration.ofSeconds(10);
    private final InstantSource clock;
    private final Map<String, Instant> until = new ConcurrentHashMap<>();
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    public OwnActions(InstantSource clock) {
        this.clock = clock;
    }

    public void begin(String containerId) {
        inFlight.merge(containerId, 1, Integer::sum);
    }

    /** A start ended. */
    public void endStart(String containerId) {
        inFlight.computeIfPresent(containerId, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** A stop ended: its late events are still ours for a short while. */
    public void endStop(String containerId) {
        inFlight.computeIfPresent(containerId, (k, n) -> n <= 1 ? null : n - 1);
        until.put(containerId, clock.instant().plus(LINGER));
    }

    /** True while Lifeline acts on the container, and for a short while after. */
    public boolean isOwn(String containerId) {
        if (inFlight.containsKey(containerId)) {
            return true;
        }
        Instant t = until.get(containerId);
        if (t == null) {
            return false;
        }
        if (clock.instant().isAfter(t)) {
            until.remove(containerId, t);
            return false;
        }
        return true;
    }
}
