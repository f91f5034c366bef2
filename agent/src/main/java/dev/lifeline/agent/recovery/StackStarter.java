package dev.lifeline.agent.recovery;

import dev.lifeline.core.engine.ContainerEngine;
import dev.lifeline.core.engine.EngineException;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    /** How often to ask an engine that does not run healthchecks itself to run one while a container starts. */
    private static final Duration HEALTH_PROBE = Duration.ofMillis(250);

    private final ContainerEngine engine;
    private final OwnActions own;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Duration settleTime;

    public StackStarter(ContainerEngine engine, OwnActions own, InstantSource clock, Sleeper sleeper,
            RandomGenerator random, Duration settleTime) {
        this.engine = engine;
        this.own = own;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.settleTime = settleTime;
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
            if (startedAny) {
                // Nothing just started can be ready before the settle time: do not ask the engine (busy starting
                // the other stacks) before then.
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
        if (level.size() == 1) {
            return startIfDown(level.get(0), fresh);
        }
        try (ExecutorService starts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (ContainerInfo c : level) {
                results.add(starts.submit(() -> startIfDown(c, fresh)));
            }
            boolean any = false;
            for (Future<Boolean> f : results) {
                try {
                    any |= f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new StartFailed(String.valueOf(e.getCause()));
                }
            }
            return any;
        }
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
     * than the starting.
     */
    private void awaitReady(List<ContainerInfo> level, Instant deadline) throws InterruptedException {
        Map<String, Instant> nextProbe = new HashMap<>();
        List<ContainerInfo> pending = new ArrayList<>(level);
        while (true) {
            Instant now = clock.instant();
            List<ContainerInfo> stillPending = new ArrayList<>();
            Instant wakeAt = deadline;
            for (ContainerInfo container : pending) {
                ContainerInfo c = engine.inspect(container.id()).orElseThrow(() ->
                        new StartFailed("container " + container.name() + " disappeared while starting"));
                if (isReady(c, now)) {
                    continue;
                }
                stillPending.add(c);
                if (c.health() == Health.STARTING && !now.isBefore(nextProbe.getOrDefault(c.id(), Instant.MIN))) {
                    engine.runHealthcheck(c.id());
                    nextProbe.put(c.id(), now.plus(HEALTH_PROBE));
                }
                Instant readyAt;
                if (!c.isUp()) {
                    readyAt = now.plus(POLL);
                } else if (c.health() == Health.NONE) {
                    readyAt = c.startedAt().map(s -> s.plus(settleTime)).orElse(now.plus(POLL));
                } else {
                    readyAt = now.plus(HEALTH_POLL);
                }
                if (readyAt.isBefore(wakeAt)) {
                    wakeAt = readyAt;
                }
            }
            if (stillPending.isEmpty()) {
                return;
            }
            if (!now.isBefore(deadline)) {
                ContainerInfo c = stillPending.get(0);
                throw new StartFailed("container " + c.name() + " not ready within the attempt timeout (status "
                        + c.status().name().toLowerCase() + ", health " + c.health().name().toLowerCase() + ")");
            }
            pending = stillPending;
            Duration wait = Duration.between(now, wakeAt);
            sleeper.sleep(wait.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : wait);
        }
    }

    /** Ready: healthy, or running for the settle time without a healthcheck. Throws when it cannot become ready. */
    private boolean isReady(ContainerInfo c, Instant now) {
        switch (c.status()) {
            case EXITED, DEAD -> throw new StartFailed("container " + c.name() + " exited with code " + c.exitCode()
                    + (c.oomKilled() ? " (out of memory)" : "") + " while starting");
            default -> { }
        }
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
