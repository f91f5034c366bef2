package dev.lifeline.agent.command;

import dev.lifeline.agent.recovery.Inventory;
import dev.lifeline.agent.recovery.StackStarter;
import dev.lifeline.agent.recovery.StackStopper;
import dev.lifeline.agent.recovery.StartOutcome;
import dev.lifeline.core.fault.CrashPoint;
import dev.lifeline.core.fault.CrashPoints;
import dev.lifeline.core.journal.Journal;
import dev.lifeline.core.journal.JournalEvent;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.MarkerKind;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.retry.RetryPolicy;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes the user's stop and start. Each one writes a marker and the new intent durably before touching a
 * container, so that a crash at any point is finished by the next agent start ({@link #finish}).
 */
public final class StackCommands {
    private static final Logger log = LoggerFactory.getLogger(StackCommands.class);
    private final Inventory inventory;
    private final Journal journal;
    private final StackStarter starter;
    private final StackStopper stopper;
    private final RetryPolicy retry;
    private final CrashPoints crash;
    private final InstantSource clock;
    private final StackLocks locks;
    private final DiskGuard disk;
    private volatile StackHolds holds = StackHolds.NONE;

    public StackCommands(Inventory inventory, Journal journal, StackStarter starter, StackStopper stopper,
            RetryPolicy retry, CrashPoints crash, InstantSource clock, StackLocks locks, DiskGuard disk) {
        this.inventory = inventory;
        this.journal = journal;
        this.starter = starter;
        this.stopper = stopper;
        this.retry = retry;
        this.crash = crash;
        this.clock = clock;
        this.locks = locks;
        this.disk = disk;
    }

    /** Who may hold stacks (the backup service); set once by the composition root. */
    public void holdsFrom(StackHolds holds) {
        this.holds = holds;
    }

    public CommandResult execute(Command command) throws InterruptedException {
        Stack stack = inventory.require(command.stack());
        if (command instanceof Command.StartStack) {
            java.util.Optional<String> holder = holds.holder(stack.name());
            if (holder.isPresent()) {
                throw new StackHeldException("stack " + stack.name() + " is quiesced by " + holder.get()
                        + ", which resumes it as soon as its snapshot exists (at the latest at its max-quiesce"
                        + " deadline); starting it now would break the backup's consistency");
            }
        }
        disk.requireRoom((command instanceof Command.StopStack ? "stop " : "start ") + stack.name());
        return switch (command) {
            case Command.StopStack stop -> locks.with(stack.name(), () -> stop(stack, stop.origin()));
            case Command.StartStack start -> locks.with(stack.name(), () -> start(stack, start.origin()));
        };
    }

    private CommandResult stop(Stack stack, String origin) {
        if (stack.isProtected()) {
            throw new ProtectedStackException(stack.name().value());
        }
        Marker marker = new Marker(UUID.randomUUID().toString(), MarkerKind.STOP, origin, List.of(stack.name()),
                clock.instant(), clock.instant());
        journal.writeMarker(marker);
        crash.reach(CrashPoint.STOP_AFTER_MARKER);
        journal.setIntent(stack.name(), Intent.USER_STOPPED, "stopped by " + origin, clock.instant());
        journal.removeFromRunningSet(Set.of(stack.name()), clock.instant());
        StartPromises.withdraw(journal, clock, stack.name());
        stopper.stop(stack, crash, CrashPoint.STOP_AFTER_FIRST_CONTAINER);
        crash.reach(CrashPoint.STOP_BEFORE_CLEAR);
        journal.clearMarker(marker.id(), clock.instant());
        record(stack.name(), "stack_stopped", origin, "ok");
        return new CommandResult(stack.name().value(), "stop", true, "stopped; intent is now user-stopped");
    }

    private CommandResult start(Stack stack, String origin) throws InterruptedException {
        Marker marker = new Marker(UUID.randomUUID().toString(), MarkerKind.START, origin, List.of(stack.name()),
                clock.instant(), clock.instant());
        journal.writeMarker(marker);
        crash.reach(CrashPoint.START_AFTER_MARKER);
        journal.setIntent(stack.name(), Intent.RUNNING, "started by " + origin, clock.instant());
        journal.addToRunningSet(Set.of(stack.name()), clock.instant());
        StartOutcome outcome = starter.start(stack, retry, crash, CrashPoint.START_AFTER_FIRST_CONTAINER);
        crash.reach(CrashPoint.START_BEFORE_CLEAR);
        return switch (outcome) {
            case StartOutcome.Started s -> {
                journal.clearMarker(marker.id(), clock.instant());
                record(stack.name(), "stack_started", origin, "ok");
                yield new CommandResult(stack.name().value(), "start", true,
                        "started in " + s.took().toMillis() + " ms (" + s.attempts() + " attempt(s))");
            }
            case StartOutcome.Failed f -> {
                // The marker stays: the supervisor keeps trying with crash-loop backoff until the stack is up.
                record(stack.name(), "stack_start_failed", origin, f.lastError());
                yield new CommandResult(stack.name().value(), "start", false,
                        "not started after " + f.attempts() + " attempt(s): " + f.lastError()
                                + "; the agent keeps retrying with backoff");
            }
        };
    }

    /**
     * Takes over a START marker left by a crash of the user's start: the user asked for it, so the intent becomes
     * running and the stack joins the running set; recovery then starts it.
     */
    public void adoptStart(Marker marker) {
        if (marker.owner().equals(RECOVERY_OWNER)) {
            return;
        }
        for (StackName name : marker.stacks()) {
            journal.setIntent(name, Intent.RUNNING, "started by " + marker.owner() + " (finished after a crash)",
                    clock.instant());
        }
        journal.addToRunningSet(Set.copyOf(marker.stacks()), clock.instant());
    }

    /** Owner of the markers recovery writes for stacks it could not start. */
    public static final String RECOVERY_OWNER = "recovery";

    /** Finishes a STOP marker left by a crash: the user asked for the stop, so it is completed. */
    public void finishStop(Marker marker) throws InterruptedException {
        for (StackName name : marker.stacks()) {
            StartPromises.withdraw(journal, clock, name);
            journal.setIntent(name, Intent.USER_STOPPED, "stopped by " + marker.owner() + " (finished after a crash)",
                    clock.instant());
            journal.removeFromRunningSet(Set.of(name), clock.instant());
            java.util.Optional<Stack> stack = inventory.stack(name);
            if (stack.isPresent()) {
                locks.with(name, () -> {
                    stopper.stop(stack.get(), crash, CrashPoint.STOP_AFTER_FIRST_CONTAINER);
                    return null;
                });
            }
        }
        journal.clearMarker(marker.id(), clock.instant());
        log.info("event=marker_finished marker={} kind=stop stacks={}", marker.id(), marker.stacks());
    }

    private void record(StackName stack, String kind, String origin, String result) {
        journal.appendEvent(new JournalEvent(clock.instant(), kind, stack.value(),
                Map.of("origin", origin, "result", result)));
        log.info("event={} stack={} origin={} result=\"{}\"", kind, stack, origin, result);
    }
}
