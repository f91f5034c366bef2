package dev.lifeline.agent.recovery;

import dev.lifeline.agent.command.StackCommands;
import dev.lifeline.agent.command.StackLocks;
import dev.lifeline.core.fault.CrashPoint;
import dev.lifeline.core.fault.CrashPoints;
import dev.lifeline.core.journal.Journal;
import dev.lifeline.core.journal.JournalEvent;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.MarkerKind;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.plan.BootPlan;
import dev.lifeline.core.recovery.RecoveryInput;
import dev.lifeline.core.recovery.RecoveryPlanner;
import dev.lifeline.core.recovery.StackDecision;
import dev.lifeline.core.retry.RetryPolicy;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boot and crash recovery: finish what a crash interrupted, then bring back exactly the stacks that should run, level
 * by level of the boot plan, health-gated, with retries.
 */
public final class RecoveryService {
    private static final Logger log = LoggerFactory.getLogger(RecoveryService.class);

    private final Inventory inventory;
    private final Journal journal;
    private final StackCommands commands;
    private final StackStarter starter;
    private final StackLocks locks;
    private final CrashPoints crash;
    private final InstantSource clock;
    private final int parallelism;
    private final RetryPolicy retry;

    public RecoveryService(Inventory inventory, Journal journal, StackCommands commands, StackStarter starter,
            StackLocks locks, CrashPoints crash, InstantSource clock, int parallelism, RetryPolicy retry) {
        this.inventory = inventory;
        this.journal = journal;
        this.commands = commands;
        this.starter = starter;
        this.locks = locks;
        this.crash = crash;
        this.clock = clock;
        this.parallelism = parallelism;
        this.retry = retry;
    }

    /** What {@link #recover} would do now, without doing it. */
    public RecoveryPreview preview(String bootId) {
        List<Stack> stacks = inventory.stackStates();
        List<Marker> markers = journal.openMarkers();
        List<StackDecision> decisions = RecoveryPlanner.plan(input(stacks, markers, bootId));
        BootPlan plan = bootPlan(stacks, decisions);
        List<String> pending = markers.stream()
                .map(m -> m.kind().name().toLowerCase() + " " + m.stacks() + " by " + m.owner() + " since " + m.createdAt())
                .toList();
        return new RecoveryPreview(hostRebooted(bootId), pending,
                decisions.stream().map(RecoveryPreview.Planned::of).toList(), plan.levels(), plan.notes());
    }

    public RecoveryReport recover(String bootId, boolean previousRunCrashed) throws InterruptedException {
        Instant startedAt = clock.instant();
        boolean rebooted = hostRebooted(bootId);
        log.info("event=recovery_started previous_run_crashed={} host_rebooted={} boot_id={}", previousRunCrashed,
                rebooted, bootId);
        for (Marker marker : journal.openMarkers()) {
            switch (marker.kind()) {
                case STOP -> commands.finishStop(marker);
                case START -> commands.adoptStart(marker);
                case QUIESCE -> { }
            }
        }
        crash.reach(CrashPoint.RECOVERY_AFTER_MARKERS);

        Instant listing = clock.instant();
        List<Stack> stacks = inventory.stackStates();
        Instant listed = clock.instant();
        List<Marker> markers = journal.openMarkers();
        List<StackDecision> decisions = RecoveryPlanner.plan(input(stacks, markers, bootId));
        List<StackOutcome> outcomes = new ArrayList<>();
        applyBookkeeping(decisions, outcomes);

        BootPlan plan = bootPlan(stacks, decisions);
        plan.notes().forEach(n -> log.warn("event=boot_plan_note note=\"{}\"", n));
        log.info("event=recovery_planned stacks={} to_start={} levels={} engine_list_ms={} plan_ms={}", stacks.size(),
                plan.levels().stream().mapToInt(List::size).sum(), plan.levels().size(),
                java.time.Duration.between(listing, listed).toMillis(),
                java.time.Duration.between(listed, clock.instant()).toMillis());
        Map<StackName, Stack> byName = stacks.stream().collect(Collectors.toMap(Stack::name, s -> s));
        Map<StackName, String> reasons = decisions.stream()
                .collect(Collectors.toMap(StackDecision::stack, StackDecision::reason, (a, b) -> a));
        Map<StackName, StackOutcome> started = startLevels(plan, byName, reasons);
        outcomes.addAll(started.values());

        settleMarkers(markers, started);
        journal.recordRecoveryComplete(bootId, clock.instant());
        RecoveryReport report = new RecoveryReport(startedAt, clock.instant(), previousRunCrashed, rebooted,
                outcomes.stream().sorted(java.util.Comparator.comparing(StackOutcome::stack)).toList(), plan.notes());
        for (StackOutcome o : report.outcomes()) {
            journal.appendEvent(new JournalEvent(clock.instant(), "recovery_" + o.kind().replace('-', '_'),
                    o.stack().value(), Map.of("detail", o.detail())));
        }
        log.info("event=recovery_complete duration_ms={} recovered={} failed={} skipped={} already_up={}",
                java.time.Duration.between(startedAt, report.finishedAt()).toMillis(), report.count("recovered"),
                report.count("failed"), report.count("skipped"), report.count("already-up"));
        return report;
    }

    private boolean hostRebooted(String bootId) {
        return journal.recoveredBootId().map(b -> !b.equals(bootId)).orElse(true);
    }

    private RecoveryInput input(List<Stack> stacks, List<Marker> markers, String bootId) {
        Set<StackName> mustStart = markers.stream()
                .filter(m -> m.kind() == MarkerKind.START || m.kind() == MarkerKind.QUIESCE)
                .flatMap(m -> m.stacks().stream()).collect(Collectors.toSet());
        return new RecoveryInput(stacks, journal.intents(), journal.runningSet(), hostRebooted(bootId), mustStart);
    }

    private static BootPlan bootPlan(List<Stack> stacks, List<StackDecision> decisions) {
        Set<StackName> toStartNames = decisions.stream().filter(d -> d instanceof StackDecision.Start)
                .map(StackDecision::stack).collect(Collectors.toSet());
        List<Stack> toStart = stacks.stream().filter(s -> toStartNames.contains(s.name())).toList();
        Set<StackName> up = stacks.stream().filter(Stack::isUp).map(Stack::name).collect(Collectors.toSet());
        return BootPlan.plan(toStart, up);
    }

    /** Records what recovery learned without starting anything: adopted user stops, forgotten stacks. */
    private void applyBookkeeping(List<StackDecision> decisions, List<StackOutcome> outcomes) {
        Instant now = clock.instant();
        Set<StackName> forget = new TreeSet<>();
        for (StackDecision d : decisions) {
            switch (d) {
                case StackDecision.AdoptUserStop a -> {
                    journal.setIntent(a.stack(), Intent.USER_STOPPED, a.reason(), now);
                    forget.add(a.stack());
                    outcomes.add(new StackOutcome.Skipped(a.stack(), a.reason()));
                    log.info("event=user_stop_adopted stack={} reason=\"{}\"", a.stack(), a.reason());
                }
                case StackDecision.Forget f -> forget.add(f.stack());
                case StackDecision.LeaveStopped l -> outcomes.add(new StackOutcome.Skipped(l.stack(), l.reason()));
                case StackDecision.NotStarted n -> outcomes.add(new StackOutcome.Skipped(n.stack(), n.reason()));
                case StackDecision.AlreadyUp u -> outcomes.add(new StackOutcome.AlreadyUp(u.stack(), u.reason()));
                case StackDecision.Start s -> { }
            }
        }
        if (!forget.isEmpty()) {
            journal.removeFromRunningSet(forget, now);
        }
    }

    private Map<StackName, StackOutcome> startLevels(BootPlan plan, Map<StackName, Stack> byName,
            Map<StackName, String> reasons) throws InterruptedException {
        Map<StackName, StackOutcome> outcomes = new ConcurrentHashMap<>();
        if (plan.levels().isEmpty()) {
            return outcomes;
        }
        crash.reach(CrashPoint.RECOVERY_BEFORE_START);
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "recovery-start");
            t.setDaemon(true);
            return t;
        });
        try {
            int level = 0;
            for (List<StackName> names : plan.levels()) {
                List<Future<?>> running = new ArrayList<>();
                for (StackName name : names) {
                    Stack stack = byName.get(name);
                    Set<StackName> failedDeps = stack.policy().dependsOn().stream()
                            .filter(dep -> outcomes.get(dep) instanceof StackOutcome.Failed)
                            .collect(Collectors.toCollection(TreeSet::new));
                    if (!failedDeps.isEmpty()) {
                        outcomes.put(name, new StackOutcome.Failed(name, 0, "not started: dependency "
                                + failedDeps.stream().map(StackName::value).collect(Collectors.joining(", "))
                                + " failed to start"));
                        continue;
                    }
                    running.add(pool.submit(() -> {
                        outcomes.put(name, startOne(stack, reasons.getOrDefault(name, "")));
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        log.error("event=recovery_internal_error level={} error=\"{}\"", level, e.getCause().toString());
                    }
                }
                if (level++ == 0) {
                    crash.reach(CrashPoint.RECOVERY_AFTER_FIRST_LEVEL);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return outcomes;
    }

    private StackOutcome startOne(Stack stack, String reason) throws InterruptedException {
        return locks.with(stack.name(), () -> {
            log.info("event=stack_recovering stack={} reason=\"{}\"", stack.name(), reason);
            StartOutcome outcome = starter.start(stack, retry, CrashPoints.NONE, "");
            return switch (outcome) {
                case StartOutcome.Started s -> new StackOutcome.Recovered(stack.name(), s.attempts(),
                        s.took().toMillis(), reason);
                case StartOutcome.Failed f -> new StackOutcome.Failed(stack.name(), f.attempts(), f.lastError());
            };
        });
    }

    /**
     * Clears the start/quiesce markers whose stacks are now up; stacks that could not be started stay promised in a
     * new marker, which the supervisor keeps honouring with crash-loop backoff.
     */
    private void settleMarkers(List<Marker> markers, Map<StackName, StackOutcome> started) {
        Set<StackName> failed = started.values().stream().filter(o -> o instanceof StackOutcome.Failed)
                .map(StackOutcome::stack).collect(Collectors.toCollection(LinkedHashSet::new));
        Map<StackName, Intent> intents = new HashMap<>();
        journal.intents().forEach((k, v) -> intents.put(k, v.intent()));
        failed.removeIf(s -> intents.get(s) == Intent.USER_STOPPED);
        if (!failed.isEmpty()) {
            Instant now = clock.instant();
            journal.writeMarker(new Marker(UUID.randomUUID().toString(), MarkerKind.START, StackCommands.RECOVERY_OWNER,
                    List.copyOf(failed), now, now));
        }
        for (Marker m : markers) {
            if (m.kind() == MarkerKind.START || m.kind() == MarkerKind.QUIESCE) {
                journal.clearMarker(m.id(), clock.instant());
            }
        }
    }
}
