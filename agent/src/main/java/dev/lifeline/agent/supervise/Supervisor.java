package dev.lifeline.agent.supervise;

import dev.lifeline.agent.command.StackLocks;
import dev.lifeline.agent.command.StartPromises;
import dev.lifeline.agent.recovery.Inventory;
import dev.lifeline.agent.recovery.OwnActions;
import dev.lifeline.agent.recovery.StackStarter;
import dev.lifeline.agent.recovery.StartOutcome;
import dev.lifeline.core.engine.ContainerEngine;
import dev.lifeline.core.engine.EngineEvent;
import dev.lifeline.core.engine.EngineEventListener;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.engine.EventSubscription;
import dev.lifeline.core.fault.CrashPoints;
import dev.lifeline.core.journal.IntentRecord;
import dev.lifeline.core.journal.Journal;
import dev.lifeline.core.journal.JournalEvent;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.MarkerKind;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.retry.CrashLoopBackoff;
import dev.lifeline.core.retry.RetryPolicy;
import dev.lifeline.core.supervise.ExitKind;
import dev.lifeline.core.supervise.PendingStops;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the journal's picture of what runs current and acts on changes: restarts stacks that crash (with
 * crash-loop backoff), turns stops made outside Lifeline into the user's intent (after a confirmation delay that host
 * shutdowns never survive), and honours open start promises. Engine events trigger a resync at once; a periodic
 * resync catches anything the event stream missed. All decisions run on one thread.
 */
public final class Supervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    private final ContainerEngine engine;
    private final Inventory inventory;
    private final Journal journal;
    private final StackStarter starter;
    private final StackLocks locks;
    private final OwnActions own;
    private final InstantSource clock;
    private final Duration resyncInterval;
    private final CrashLoopBackoff backoff;
    private final PendingStops pendingStops;
    private final RetryPolicy oneAttempt;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "supervisor"));
    private final ExecutorService restarts = Executors.newCachedThreadPool(r -> daemon(r, "supervisor-restart"));
    private final Map<StackName, CrashLoopBackoff.State> crashLoops = new HashMap<>();
    private final Map<StackName, Instant> restartAt = new HashMap<>();
    private final Set<StackName> restarting = ConcurrentHashMap.newKeySet();
    /** Docker's kill/stop events from outside Lifeline, by container: an explicit stop, whatever the exit code. */
    private final Map<String, Instant> killSeen = new HashMap<>();
    private static final Duration KILL_MEMORY = Duration.ofMinutes(1);
    private final Set<String> restartPolicyWarned = new java.util.HashSet<>();
    /** Each container's stack as the last resync saw it (only the supervisor thread uses it): whose an event is. */
    private final Map<String, StackName> stackOfContainer = new HashMap<>();
    private volatile boolean frozen;
    private volatile EventSubscription subscription;
    private volatile Instant lastResync = Instant.EPOCH;
    private int subscribeFailures;
    private long resyncs;
    private static final int FULL_RESYNC_EVERY = 12;

    private volatile dev.lifeline.agent.command.StackHolds holds = dev.lifeline.agent.command.StackHolds.NONE;

    public Supervisor(ContainerEngine engine, Inventory inventory, Journal journal, StackStarter starter,
            StackLocks locks, OwnActions own, InstantSource clock, Duration resyncInterval, CrashLoopBackoff backoff,
            PendingStops.Timing userStops, Duration attemptTimeout) {
        this.engine = engine;
        this.inventory = inventory;
        this.journal = journal;
        this.starter = starter;
        this.locks = locks;
        this.own = own;
        this.clock = clock;
        this.resyncInterval = resyncInterval;
        this.backoff = backoff;
        this.pendingStops = new PendingStops(userStops);
        // A supervisor restart is one attempt: the crash-loop backoff spaces the next ones.
        this.oneAttempt = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0, attemptTimeout);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public void start() {
        loop.execute(this::subscribe);
        loop.scheduleWithFixedDelay(this::resyncSafely, 0, resyncInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** When the engine and journal were last compared (for readiness and metrics). */
    /** Stacks an operation holds (a backup's quiesce) are left alone: it resumes them itself. */
    public void holdsFrom(dev.lifeline.agent.command.StackHolds holds) {
        this.holds = holds;
    }

    public Instant lastResync() {
        return lastResync;
    }

    /**
     * The agent is shutting down (SIGTERM): from now on nothing is learned from the engine, and stops that were not
     * yet confirmed are dropped, because a host going down stops everything and that is not the user's decision.
     */
    public void freeze() {
        frozen = true;
        try {
            loop.submit(() -> {
                List<PendingStops.Pending> dropped = pendingStops.discardAll();
                if (!dropped.isEmpty()) {
                    log.info("event=pending_stops_discarded reason=agent_shutdown stacks={}",
                            dropped.stream().map(p -> p.stack().value()).toList());
                }
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("event=freeze_incomplete error=\"{}\"", e.toString());
        }
    }

    private void subscribe() {
        if (frozen) {
            return;
        }
        try {
            subscription = engine.subscribe(new EngineEventListener() {
                @Override
                public void onEvent(EngineEvent event) {
                    if (!frozen) {
                        loop.execute(() -> onEngineEvent(event));
                    }
                }

                @Override
                public void onStreamEnded(Throwable cause) {
                    if (!frozen) {
                        log.warn("event=engine_events_lost error=\"{}\" action=resubscribe", String.valueOf(cause));
                        loop.schedule(Supervisor.this::subscribe, 1, TimeUnit.SECONDS);
                    }
                }
            });
            subscribeFailures = 0;
            loop.execute(this::resyncSafely);
        } catch (EngineException e) {
            long delay = Math.min(30, 1L << Math.min(5, subscribeFailures++));
            log.warn("event=engine_events_unavailable error=\"{}\" retry_in_s={}", e.getMessage(), delay);
            loop.schedule(this::subscribe, delay, TimeUnit.SECONDS);
        }
    }

    private void onEngineEvent(EngineEvent event) {
        switch (event.action()) {
            case "kill", "stop" -> {
                if (!own.isOwn(event.containerId())) {
                    killSeen.put(event.containerId(), clock.instant());
                }
            }
            case "die", "oom", "start", "destroy", "health_status", "create" -> {
                StackName stack = stackOfContainer.get(event.containerId());
                if (stack != null && heldByOperation(stack)) {
                    // A resync would leave this stack to the operation that holds it, and its listing would compete
                    // with that operation for the engine: a backup's resume starts the app and runs its healthcheck
                    // in the same fraction of a second as the events of its own stop and start. The periodic resync
                    // looks at the stack once the operation lets go.
                    log.debug("event=resync_skipped reason=stack_held stack={} container={} action={}", stack,
                            event.containerId(), event.action());
                    return;
                }
                resyncSafely();
            }
            default -> { }
        }
    }

    private void resyncSafely() {
        if (frozen) {
            return;
        }
        try {
            resync();
        } catch (EngineException e) {
            log.warn("event=resync_failed error=\"{}\"", e.getMessage());
        } catch (RuntimeException e) {
            log.error("event=resync_failed error=\"{}\"", e.toString(), e);
        }
    }

    private void resync() {
        Instant now = clock.instant();
        // Full detail (one inspect per container on Podman) only now and then, for the restart-policy warnings;
        // every other resync reads states, which is one list call plus an inspect per stopped container.
        boolean full = resyncs++ % FULL_RESYNC_EVERY == 0;
        List<Stack> stacks = full ? inventory.stacks() : inventory.stackStates();
        Map<StackName, IntentRecord> intents = journal.intents();
        Set<StackName> runningSet = journal.runningSet();
        List<Marker> markers = journal.openMarkers();
        Set<StackName> promised = markers.stream()
                .filter(m -> m.kind() == MarkerKind.START || m.kind() == MarkerKind.QUIESCE)
                .flatMap(m -> m.stacks().stream()).collect(Collectors.toSet());
        Set<StackName> stopping = markers.stream().filter(m -> m.kind() == MarkerKind.STOP)
                .flatMap(m -> m.stacks().stream()).collect(Collectors.toSet());
        Set<StackName> present = stacks.stream().map(Stack::name).collect(Collectors.toSet());
        stackOfContainer.clear();
        for (Stack stack : stacks) {
            stack.containers().forEach(c -> stackOfContainer.put(c.id(), stack.name()));
        }

        for (Stack stack : stacks) {
            if (full) {
                warnAboutRestartPolicy(stack);
            }
            StackName name = stack.name();
            // A stack in the middle of an operation is that operation's: an in-place restore, say, writes its start
            // promise while the stack still runs and only then stops it, so the promise must not count as kept.
            if (restarting.contains(name) || stopping.contains(name) || busy(stack) || heldByOperation(name)) {
                continue;
            }
            Intent intent = intents.containsKey(name) ? intents.get(name).intent() : Intent.RUNNING;
            if (stack.isUp()) {
                onUp(stack, intent, runningSet, promised, now);
            } else if (intent == Intent.RUNNING && (runningSet.contains(name) || promised.contains(name))) {
                onDown(stack, promised.contains(name), now);
            }
        }
        Set<StackName> vanished = runningSet.stream().filter(n -> !present.contains(n)).collect(Collectors.toSet());
        if (!vanished.isEmpty()) {
            journal.removeFromRunningSet(vanished, now);
            log.info("event=stacks_forgotten reason=no_containers stacks={}", vanished);
        }
        confirmStops(now);
        // A kill event matters only for the die that follows it; forget those no die followed.
        killSeen.values().removeIf(t -> t.plus(KILL_MEMORY).isBefore(now));
        lastResync = now;
    }

    /** A stop, start or restore holds the stack's lock, or a backup job has it quiesced: theirs to undo. */
    private boolean heldByOperation(StackName stack) {
        return locks.isHeld(stack) || holds.holder(stack).isPresent();
    }

    private boolean busy(Stack stack) {
        return stack.containers().stream().anyMatch(c -> own.isOwn(c.id()));
    }

    private void onUp(Stack stack, Intent intent, Set<StackName> runningSet, Set<StackName> promised, Instant now) {
        StackName name = stack.name();
        pendingStops.cancel(name);
        restartAt.remove(name);
        if (intent == Intent.USER_STOPPED) {
            journal.setIntent(name, Intent.RUNNING, "started outside Lifeline", now);
            record(name, "user_start_adopted", Map.of("reason", "started outside Lifeline"));
        }
        if (!runningSet.contains(name)) {
            journal.addToRunningSet(Set.of(name), now);
            log.info("event=stack_running stack={}", name);
        }
        if (promised.contains(name)) {
            StartPromises.withdraw(journal, clock, name);
        }
    }

    private void onDown(Stack stack, boolean promised, Instant now) {
        StackName name = stack.name();
        if (restartAt.containsKey(name)) {
            Instant at = restartAt.get(name);
            if (!now.isBefore(at)) {
                restartAt.remove(name);
                restart(stack);
            }
            return;
        }
        List<ContainerInfo> down = stack.containers().stream().filter(c -> !c.isUp()).toList();
        boolean explicitKill = down.stream().anyMatch(c -> killSeen.remove(c.id()) != null);
        boolean crashed = !explicitKill
                && down.stream().anyMatch(c -> ExitKind.of(c.exitCode(), c.oomKilled()) == ExitKind.CRASHED);
        String exits = down.stream().map(c -> c.name() + " exit " + c.exitCode() + (c.oomKilled() ? " oom" : ""))
                .collect(Collectors.joining(", "));
        if (crashed || promised) {
            Instant lastStart = stack.containers().stream().map(ContainerInfo::startedAt)
                    .flatMap(java.util.Optional::stream).max(Instant::compareTo).orElse(now);
            CrashLoopBackoff.Decision d = backoff.onCrash(crashLoops.getOrDefault(name, CrashLoopBackoff.State.INITIAL),
                    lastStart, now);
            crashLoops.put(name, d.state());
            restartAt.put(name, now.plus(d.delay()));
            log.warn("event=stack_down stack={} cause={} exits=\"{}\" restart_in_ms={}", name,
                    promised ? "start_promised" : "crash", exits, d.delay().toMillis());
            record(name, "stack_crashed", Map.of("exits", exits, "restart_in_ms", String.valueOf(d.delay().toMillis())));
            loop.schedule(this::resyncSafely, d.delay().toMillis() + 10, TimeUnit.MILLISECONDS);
        } else if (!pendingStops.isPending(name)) {
            pendingStops.observe(name, now, exits);
            log.info("event=external_stop_seen stack={} exits=\"{}\" confirm_after_ms={}", name, exits,
                    pendingStops.nextCheckAt().map(t -> Duration.between(now, t).toMillis()).orElse(0L));
            pendingStops.nextCheckAt().ifPresent(t ->
                    loop.schedule(this::resyncSafely, Duration.between(now, t).toMillis() + 10, TimeUnit.MILLISECONDS));
        }
    }

    private void confirmStops(Instant now) {
        for (PendingStops.Pending p : pendingStops.confirmed(now)) {
            journal.setIntent(p.stack(), Intent.USER_STOPPED, "stopped outside Lifeline (" + p.detail() + ")", now);
            journal.removeFromRunningSet(Set.of(p.stack()), now);
            crashLoops.remove(p.stack());
            record(p.stack(), "user_stop_adopted", Map.of("exits", p.detail()));
            log.info("event=user_stop_adopted stack={} exits=\"{}\"", p.stack(), p.detail());
        }
    }

    private void restart(Stack stack) {
        StackName name = stack.name();
        restarting.add(name);
        restarts.execute(() -> {
            try {
                locks.tryWith(name, () -> {
                    StartOutcome outcome = starter.start(stack, oneAttempt, CrashPoints.NONE, "");
                    record(name, outcome instanceof StartOutcome.Started ? "stack_restarted" : "stack_restart_failed",
                            Map.of("detail", outcome.toString()));
                    return null;
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.warn("event=stack_restart_failed stack={} error=\"{}\"", name, e.getMessage());
            } finally {
                restarting.remove(name);
                if (!frozen) {
                    loop.execute(this::resyncSafely);
                }
            }
        });
    }

    private void warnAboutRestartPolicy(Stack stack) {
        for (ContainerInfo c : stack.containers()) {
            String policy = c.restartPolicy();
            if ((policy.equals("always") || policy.equals("unless-stopped") || policy.equals("on-failure"))
                    && restartPolicyWarned.add(c.id())) {
                log.warn("event=restart_policy_conflict stack={} container={} policy={} advice=\"the engine restarts "
                        + "this container on its own and fights Lifeline's backoff and user stops (Podman treats "
                        + "unless-stopped as always); set restart: \\\"no\\\" and let Lifeline supervise it\"",
                        stack.name(), c.name(), policy);
            }
        }
    }

    private void record(StackName stack, String kind, Map<String, String> fields) {
        journal.appendEvent(new JournalEvent(clock.instant(), kind, stack.value(), fields));
    }

    @Override
    public void close() {
        frozen = true;
        EventSubscription s = subscription;
        if (s != null) {
            s.close();
        }
        loop.shutdownNow();
        restarts.shutdownNow();
    }
}
