package dev.lifeline.agent.recovery;

import dev.lifeline.core.engine.ContainerEngine;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.engine.HealthProbe;
import dev.lifeline.core.fault.CrashPoints;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.Health;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.plan.ContainerOrder;
import dev.lifeline.core.retry.RetryPolicy;
import dev.lifeline.core.time.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one stack: its containers in dependency order, each level health-gated before the next, the whole start
 * retried with backoff. A container is ready when its healthcheck says healthy, or, without a healthcheck, when it
 * has been running for the settle time.
 */
public final class StackStarter {
    private static final Logger log = LoggerFactory.getLogger(StackStarter.class);
    /** How often to look at a container that is not running yet. */
    private static final Duration POLL = Duration.ofMillis(100);
    /** How often to look at a container whose healthcheck has not passed yet. */
    private static final Duration HEALTH_POLL = Duration.ofMillis(250);
    /** Never ask the engine faster than this. */
    private static final Duration MIN_WAIT = Duration.ofMillis(20);
    /** The shortest and longest gap between two of Lifeline's own healthcheck runs (see {@link Probing}). */
    static final Duration PROBE_MIN_GAP = Duration.ofMillis(50);
    static final Duration PROBE_MAX_GAP = Duration.ofMillis(500);

    private final ContainerEngine engine;
    private final OwnActions own;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Duration settleTime;
    /**
     * Whether a container (by id) has a healthcheck, as an inspection of it running showed: after a start those with
     * one are probed, not left to settle. A container's healthcheck is fixed for its id.
     */
    private final Map<String, Boolean> healthchecked = new java.util.concurrent.ConcurrentHashMap<>();

    public StackStarter(ContainerEngine engine, OwnActions own, InstantSource clock, Sleeper sleeper,
            RandomGenerator random, Duration settleTime) {
        this.engine = engine;
        this.own = own;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.settleTime = settleTime;
    }

    /**
     * Notes whether a container has a healthcheck, from an inspection of it while it runs (a listing does not say).
     * The quiesce of a backup calls this before it stops a stack, so that the resume probes the stack's healthchecks
     * at once instead of first waiting the settle time.
     */
    public void learn(ContainerInfo inspected) {
        if (inspected.health() != Health.NONE) {
            healthchecked.put(inspected.id(), true);
        } else if (inspected.isUp()) {
            healthchecked.put(inspected.id(), false);
        }
    }

    /** Whether {@link #learn} already knows if the container has a healthcheck (no need to inspect it for that). */
    public boolean knowsHealthcheckOf(String containerId) {
        return healthchecked.containsKey(containerId);
    }

    /** Starts the stack's stopped containers; {@code crash} is reached after the first container start. */
    public StartOutcome start(Stack stack, RetryPolicy retry, CrashPoints crash, String firstStartPoint)
            throws InterruptedException {
        Instant began = clock.instant();
        String lastError = "not attempted";
        for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
            Duration delay = retry.delayBefore(attempt, random);
            if (!delay.isZero()) {
                log.info("event=stack_start_retry stack={} attempt={} delay_ms={} last_error=\"{}\"", stack.name(),
                        attempt, delay.toMillis(), lastError);
                sleeper.sleep(delay);
            }
            try {
                startOnce(stack, attempt == 1, clock.instant().plus(retry.attemptTimeout()), crash, firstStartPoint);
                Duration took = Duration.between(began, clock.instant());
                log.info("event=stack_started stack={} attempts={} duration_ms={}", stack.name(), attempt, took.toMillis());
                return new StartOutcome.Started(attempt, took);
            } catch (StartFailed | EngineException e) {
                lastError = e.getMessage();
                log.warn("event=stack_start_failed stack={} attempt={} of={} error=\"{}\"", stack.name(), attempt,
                        retry.maxAttempts(), lastError);
            }
        }
        return new StartOutcome.Failed(retry.maxAttempts(), lastError);
    }

    /**
     * One attempt. The first trusts the stack as the inventory just read it; a retry asks the engine again, since
     * the failed attempt may have left containers in any state.
     */
    private void startOnce(Stack stack, boolean fresh, Instant deadline, CrashPoints crash, String firstStartPoint)
            throws InterruptedException {
        Map<String, ContainerInfo> byName = stack.containers().stream()
                .collect(Collectors.toMap(ContainerInfo::name, Function.identity()));
        boolean first = true;
        for (List<String> names : ContainerOrder.levels(stack).levels()) {
            List<ContainerInfo> level = names.stream().map(byName::get).toList();
            boolean startedAny = startLevel(level, fresh);
            if (startedAny && first) {
                first = false;
                crash.reach(firstStartPoint);
            }
            if (startedAny && !level.stream().allMatch(c -> healthchecked.getOrDefault(c.id(), false))) {
                // Nothing just started without a healthcheck can be ready before the settle time: do not ask the
                // engine (busy starting the other stacks) before then. A level known to have healthchecks is
                // probed at once instead.
                sleeper.sleep(settleTime);
            }
            awaitReady(level, deadline);
        }
    }

    /**
     * Starts the stopped containers of one level at once: they do not depend on each other. Returns whether any
     * container had to be started.
     */
    private boolean startLevel(List<ContainerInfo> level, boolean fresh) throws InterruptedException {
        return AtOnce.map(level, c -> startIfDown(c, fresh)).contains(true);
    }

    private boolean startIfDown(ContainerInfo container, boolean fresh) {
        ContainerInfo now = fresh ? container : engine.inspect(container.id())
                .orElseThrow(() -> new StartFailed("container " + container.name() + " no longer exists"));
        if (now.isUp()) {
            return false;
        }
        own.begin(container.id());
        try {
            engine.start(container.id());
        } finally {
            own.endStart(container.id());
        }
        return true;
    }

    /**
     * Waits until every container of the level is ready; fails as soon as one of them cannot become ready. A
     * container without a healthcheck is ready at a known instant (its start plus the settle time), so the wait
     * sleeps until then instead of asking the engine over and over: on a small host the asking costs the engine more
     * than the starting. A container with a healthcheck on an engine that runs checks only on request (Podman without
     * systemd) is probed right away and then at a growing interval, and is ready the moment a probe passes: its
     * readiness is that probe's answer, with no inspection after it.
     */
    private void awaitReady(List<ContainerInfo> level, Instant deadline) throws InterruptedException {
        Map<String, Probing> probing = new java.util.concurrent.ConcurrentHashMap<>();
        List<ContainerInfo> pending = new ArrayList<>(level);
        while (true) {
            List<Look> looks = lookAtAll(pending, probing);
            List<ContainerInfo> stillPending = new ArrayList<>();
            Instant wakeAt = deadline;
            for (Look look : looks) {
                if (look.readyAt() != null) {
                    stillPending.add(look.container());
                    wakeAt = earlier(wakeAt, look.readyAt());
                }
            }
            if (stillPending.isEmpty()) {
                return;
            }
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                ContainerInfo c = stillPending.get(0);
                String health = probing.containsKey(c.id()) ? "its healthcheck still failing"
                        : "status " + c.status().name().toLowerCase() + ", health " + c.health().name().toLowerCase();
                throw new StartFailed("container " + c.name() + " not ready within the attempt timeout (" + health
                        + ")");
            }
            pending = stillPending;
            Duration wait = Duration.between(now, wakeAt);
            sleeper.sleep(wait.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : wait);
        }
    }

    /** One look at a container: ready ({@code readyAt} null), or when to look again. */
    private record Look(ContainerInfo container, Instant readyAt) {}

    /** Looks at the level's pending containers, all at once when there are several: each look is a round trip. */
    private List<Look> lookAtAll(List<ContainerInfo> pending, Map<String, Probing> probing)
            throws InterruptedException {
        return AtOnce.map(pending, c -> look(c, probing));
    }

    private Look look(ContainerInfo container, Map<String, Probing> probing) {
        Probing p = probing.get(container.id());
        if (p != null) {
            if (clock.instant().isBefore(p.next())) {
                return new Look(container, p.next());
            }
            Look probed = probe(container, p, probing);
            if (probed != null) {
                return probed;
            }
            // not run: the container stopped, or lost its healthcheck; its inspection says which
        }
        ContainerInfo c = engine.inspect(container.id()).orElseThrow(() ->
                new StartFailed("container " + container.name() + " disappeared while starting"));
        failIfEnded(c);
        learn(c);
        if (c.isUp() && c.health() != Health.NONE && c.health() != Health.HEALTHY) {
            Look probed = probe(c, null, probing);
            if (probed != null) {
                return probed;
            }
        }
        Instant now = clock.instant();
        if (isReady(c, now)) {
            return new Look(c, null);
        }
        if (!c.isUp()) {
            return new Look(c, now.plus(POLL));
        }
        if (c.health() == Health.NONE) {
            return new Look(c, c.startedAt().map(s -> s.plus(settleTime)).orElse(now.plus(POLL)));
        }
        return new Look(c, now.plus(HEALTH_POLL));
    }

    /**
     * Runs the container's healthcheck on an engine that runs them on request: ready when it passes, probed again
     * later when it fails ({@code previous} is null for the first probe). Null when no check ran.
     */
    private Look probe(ContainerInfo c, Probing previous, Map<String, Probing> probing) {
        HealthProbe result = engine.runHealthcheck(c.id());
        if (result == HealthProbe.PASSED) {
            return new Look(c, null);
        }
        if (result == HealthProbe.FAILED) {
            Instant now = clock.instant();
            Probing next = previous == null ? Probing.startedAt(now) : previous.failedAt(now);
            probing.put(c.id(), next);
            return new Look(c, next.next());
        }
        probing.remove(c.id());
        return null;
    }

    private static Instant earlier(Instant a, Instant b) {
        return b.isBefore(a) ? b : a;
    }

    /**
     * Lifeline's own healthcheck runs for one container: the first right after its start, then at an interval of a
     * quarter of the time spent so far, between {@link #PROBE_MIN_GAP} and {@link #PROBE_MAX_GAP}. A database that
     * is up in 200 ms is seen within about 50 ms; one that needs a minute costs a probe every half second, not a
     * storm.
     */
    record Probing(Instant since, Instant next) {
        static Probing startedAt(Instant now) {
            return new Probing(now, now.plus(PROBE_MIN_GAP));
        }

        Probing failedAt(Instant now) {
            Duration gap = Duration.between(since, now).dividedBy(4);
            if (gap.compareTo(PROBE_MIN_GAP) < 0) {
                gap = PROBE_MIN_GAP;
            } else if (gap.compareTo(PROBE_MAX_GAP) > 0) {
                gap = PROBE_MAX_GAP;
            }
            return new Probing(since, now.plus(gap));
        }
    }

    /** A container that exited while starting fails the attempt at once. */
    private static void failIfEnded(ContainerInfo c) {
        switch (c.status()) {
            case EXITED, DEAD -> throw new StartFailed("container " + c.name() + " exited with code " + c.exitCode()
                    + (c.oomKilled() ? " (out of memory)" : "") + " while starting");
            default -> { }
        }
    }

    /**
     * Ready: healthy, or running for the settle time without a healthcheck. Throws when the engine itself, running
     * the checks on its own schedule, has judged the container unhealthy.
     */
    private boolean isReady(ContainerInfo c, Instant now) {
        if (!c.isUp()) {
            return false;
        }
        return switch (c.health()) {
            case HEALTHY -> true;
            case UNHEALTHY -> throw new StartFailed("container " + c.name() + " is unhealthy");
            case STARTING -> false;
            case NONE -> c.startedAt().map(s -> !s.plus(settleTime).isAfter(now)).orElse(false);
        };
    }

    /** One attempt failed; the message says which container and why. */
    static final class StartFailed extends RuntimeException {
        StartFailed(String message) {
            super(message, null, false, false);
        }
    }
}
