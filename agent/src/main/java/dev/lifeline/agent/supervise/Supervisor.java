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
import dev.lifeline.core.supervise.ExitJudge;
import dev.lifeline.core.supervise.ExitJudge.Verdict;
import dev.lifeline.core.supervise.KillSignal;
import dev.lifeline.core.supervise.PendingStops;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * shutdowns never survive), and honours open start promises; which of the first two an exit is, {@link ExitJudge}
 * decides, once. Engine events trigger a resync at once; a periodic resync catches anything the event stream missed.
 * All decisions run on one thread.
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
    private final ExitJudge judge;
    private final RetryPolicy oneAttempt;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "supervisor"));
    private final ExecutorService restarts = Executors.newCachedThreadPool(r -> daemon(r, "supervisor-restart"));
    private final Set<StackName> restarting = ConcurrentHashMap.newKeySet();
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
        this.judge = new ExitJudge(backoff, userStops, ExitJudge.KILL_MEMORY);
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
                List<StackName> dropped = judge.discardPendingStops();
                if (!dropped.isEmpty()) {
                    log.info("event=pending_stops_discarded reason=agent_shutdown stacks={}",
                            dropped.stream().map(StackName::value).toList());
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
            case "kill" -> {
                if (!own.isOwn(event.containerId())) {
                    Optional<KillSignal> signal = judge.onKill(event.containerId(), event.attribute("signal"),
                            clock.instant());
                    log.debug("event=external_kill_seen container={} signal={} counts_as_stop={}",
                            event.containerId(), signal.map(KillSignal::toString).orElse("none"),
                            signal.filter(KillSignal::endsTheProcess).isPresent());
                }
            }
            case "die", "oom", "start", "destroy", "health_status", "create" -> {
                if (event.action().equals("start")) {
                    judge.onStart(event.containerId());
                }
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
            } else {
                // the user decided (or it never ran under Lifeline): nothing of it is left to judge
                judge.forget(name);
            }
        }
        Set<StackName> vanished = runningSet.stream().filter(n -> !present.contains(n)).collect(Collectors.toSet());
        if (!vanished.isEmpty()) {
            vanished.forEach(judge::forget);
            journal.removeFromRunningSet(vanished, now);
            log.info("event=stacks_forgotten reason=no_containers stacks={}", vanished);
        }
        confirmStops(now);
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
        judge.onUp(name);
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
        List<ContainerInfo> down = stack.containers().stream().filter(c -> !c.isUp()).toList();
        Instant lastStart = stack.containers().stream().map(ContainerInfo::startedAt)
                .flatMap(Optional::stream).max(Instant::compareTo).orElse(now);
        switch (judge.onDown(name, down, promised, lastStart, now)) {
            case Verdict.Wait w -> { }
            case Verdict.RestartNow r -> restart(stack);
            case Verdict.RestartLater r -> {
                log.warn("event=stack_down stack={} cause={} exits=\"{}\" restart_in_ms={}", name, r.cause(), r.exits(),
                        r.delay().toMillis());
                record(name, "stack_crashed", Map.of("exits", r.exits(), "restart_in_ms",
                        String.valueOf(r.delay().toMillis())));
                resyncIn(r.delay());
            }
            case Verdict.AwaitConfirmation a -> {
                Duration confirmIn = Duration.between(now, a.checkAt());
                log.info("event=external_stop_seen stack={} exits=\"{}\" confirm_after_ms={}", name, a.exits(),
                        confirmIn.toMillis());
                resyncIn(confirmIn);
            }
        }
    }

    /** A resync just after {@code delay}, when a restart comes due or a stop may be confirmed. */
    private void resyncIn(Duration delay) {
        loop.schedule(this::resyncSafely, Math.max(0, delay.toMillis()) + 10, TimeUnit.MILLISECONDS);
    }

    private void confirmStops(Instant now) {
        for (ExitJudge.Adoption a : judge.confirmedStops(now)) {
            journal.setIntent(a.stack(), Intent.USER_STOPPED, "stopped outside Lifeline (" + a.exits() + ")", now);
            journal.removeFromRunningSet(Set.of(a.stack()), now);
            record(a.stack(), "user_stop_adopted", Map.of("exits", a.exits()));
            log.info("event=user_stop_adopted stack={} exits=\"{}\"", a.stack(), a.exits());
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
