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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private static final Duration POLL = Duration.ofMillis(100);
    /** How often to ask an engine that does not run healthchecks itself to run one while a container starts. */
    private static final Duration HEALTH_PROBE = Duration.ofSeconds(1);

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
                startOnce(stack, clock.instant().plus(retry.attemptTimeout()), crash, firstStartPoint);
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

    private void startOnce(Stack stack, Instant deadline, CrashPoints crash, String firstStartPoint)
            throws InterruptedException {
        Map<String, ContainerInfo> byName = stack.containers().stream()
                .collect(Collectors.toMap(ContainerInfo::name, Function.identity()));
        boolean first = true;
        for (List<String> level : ContainerOrder.levels(stack).levels()) {
            for (String name : level) {
                ContainerInfo c = byName.get(name);
                Optional<ContainerInfo> now = engine.inspect(c.id());
                if (now.isEmpty()) {
                    throw new StartFailed("container " + name + " no longer exists");
                }
                if (!now.get().isUp()) {
                    own.begin(c.id());
                    try {
                        engine.start(c.id());
                    } finally {
                        own.endStart(c.id());
                    }
                    if (first) {
                        first = false;
                        crash.reach(firstStartPoint);
                    }
                }
            }
            for (String name : level) {
                awaitReady(byName.get(name), deadline);
            }
        }
    }

    private void awaitReady(ContainerInfo container, Instant deadline) throws InterruptedException {
        Instant nextProbe = Instant.MIN;
        while (true) {
            ContainerInfo c = engine.inspect(container.id())
                    .orElseThrow(() -> new StartFailed("container " + container.name() + " disappeared while starting"));
            Instant now = clock.instant();
            switch (c.status()) {
                case EXITED, DEAD -> throw new StartFailed("container " + c.name() + " exited with code "
                        + c.exitCode() + (c.oomKilled() ? " (out of memory)" : "") + " while starting");
                default -> { }
            }
            if (c.isUp()) {
                if (c.health() == Health.HEALTHY) {
                    return;
                }
                if (c.health() == Health.UNHEALTHY) {
                    throw new StartFailed("container " + c.name() + " is unhealthy");
                }
                if (c.health() == Health.NONE && c.startedAt().map(s -> !s.plus(settleTime).isAfter(now)).orElse(false)) {
                    return;
                }
                if (c.health() == Health.STARTING && !now.isBefore(nextProbe)) {
                    engine.runHealthcheck(c.id());
                    nextProbe = now.plus(HEALTH_PROBE);
                }
            }
            if (!now.isBefore(deadline)) {
                throw new StartFailed("container " + c.name() + " not ready within the attempt timeout (status "
                        + c.status().name().toLowerCase() + ", health " + c.health().name().toLowerCase() + ")");
            }
            sleeper.sleep(POLL);
        }
    }

    /** One attempt failed; the message says which container and why. */
    static final class StartFailed extends RuntimeException {
        StartFailed(String message) {
            super(message, null, false, false);
        }
    }
}
