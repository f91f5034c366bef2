package dev.lifeline.agent.control;

import dev.lifeline.agent.command.Command;
import dev.lifeline.agent.command.CommandResult;
import dev.lifeline.agent.command.ProtectedStackException;
import dev.lifeline.agent.command.StackCommands;
import dev.lifeline.agent.command.StackHeldException;
import dev.lifeline.agent.command.StackHolds;
import dev.lifeline.agent.command.StackLocks;
import dev.lifeline.agent.recovery.Inventory;
import dev.lifeline.core.engine.ContainerEngine;
import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.journal.Journal;
import dev.lifeline.core.journal.JournalEvent;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.time.Sleeper;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each control-plane command does to a stack. Start and stop go through {@link StackCommands} (the user's
 * intent and a marker first, as from the CLI); pause and resume freeze and thaw the stack's containers under its
 * lock; destroy stops the stack (intent user-stopped, marker) and removes its containers, never volumes or data (a
 * stack already gone counts as done); backup starts a job of the stack and waits for its end. A stack a backup job
 * holds is refused. Each returns normally when done and throws with the reason when not.
 */
public final class CommandActions {
    static final String ORIGIN = "control-plane";
    private static final Duration BACKUP_POLL = Duration.ofSeconds(1);

    private final Inventory inventory;
    private final ContainerEngine engine;
    private final StackCommands commands;
    private final StackLocks locks;
    private final StackHolds holds;
    private final Journal journal;
    private final StackBackups backups;
    private final InstantSource clock;
    private final Sleeper sleeper;

    public CommandActions(Inventory inventory, ContainerEngine engine, StackCommands commands, StackLocks locks,
            StackHolds holds, Journal journal, StackBackups backups, InstantSource clock, Sleeper sleeper) {
        this.inventory = inventory;
        this.engine = engine;
        this.commands = commands;
        this.locks = locks;
        this.holds = holds;
        this.journal = journal;
        this.backups = backups;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public void apply(CommandKind kind, StackName stack) throws InterruptedException {
        if (kind != CommandKind.BACKUP) {
            Optional<String> holder = holds.holder(stack);
            if (holder.isPresent()) {
                throw new StackHeldException("stack " + stack + " is held by " + holder.get() + ", which resumes it"
                        + " itself; try again when it has");
            }
        }
        switch (kind) {
            case START -> require(commands.execute(new Command.StartStack(stack, ORIGIN)));
            case STOP -> locks.with(stack, () -> {
                thaw(inventory.require(stack));
                return require(commands.execute(new Command.StopStack(stack, ORIGIN)));
            });
            case PAUSE -> pause(stack);
            case RESUME -> resume(stack);
            case DESTROY -> destroy(stack);
            case BACKUP -> backup(stack);
        }
    }

    private void pause(StackName name) throws InterruptedException {
        locks.with(name, () -> {
            Stack stack = inventory.require(name);
            if (stack.isProtected()) {
                throw new ProtectedStackException(name.value());
            }
            List<ContainerInfo> frozen = new ArrayList<>();
            try {
                for (ContainerInfo c : stack.containers()) {
                    if (c.status() == ContainerStatus.RUNNING) {
                        engine.pause(c.id());
                        frozen.add(c);
                    }
                }
            } catch (RuntimeException e) {
                // all or nothing: a half-frozen stack is worse than a running one
                for (ContainerInfo c : frozen) {
                    try {
                        engine.unpause(c.id());
                    } catch (RuntimeException thawFailed) {
                        e.addSuppressed(thawFailed);
                    }
                }
                throw e;
            }
            if (frozen.isEmpty() && stack.containers().stream().noneMatch(c -> c.status() == ContainerStatus.PAUSED)) {
                throw new IllegalStateException("stack " + name + " has no running container to pause");
            }
            record(name, "stack_paused", Map.of("containers", String.valueOf(frozen.size())));
            return null;
        });
    }

    private void resume(StackName name) throws InterruptedException {
        locks.with(name, () -> {
            Stack stack = inventory.require(name);
            if (stack.containers().stream().noneMatch(ContainerInfo::isUp)) {
                throw new IllegalStateException("stack " + name + " is not paused: none of its containers is up; "
                        + "start it instead");
            }
            int thawed = thaw(stack);
            record(name, "stack_resumed", Map.of("containers", String.valueOf(thawed)));
            return null;
        });
    }

    private void destroy(StackName name) throws InterruptedException {
        Optional<Stack> found = inventory.stack(name);
        if (found.isEmpty()) {
            record(name, "stack_destroyed", Map.of("containers", "0", "note", "already gone"));
            return;
        }
        if (found.get().isProtected()) {
            throw new ProtectedStackException(name.value());
        }
        locks.with(name, () -> {
            thaw(found.get());
            require(commands.execute(new Command.StopStack(name, ORIGIN)));
            Stack stopped = inventory.stack(name).orElse(null);
            int removed = 0;
            if (stopped != null) {
                for (ContainerInfo c : stopped.containers()) {
                    engine.remove(c.id());
                    removed++;
                }
            }
            journal.removeFromRunningSet(Set.of(name), clock.instant());
            record(name, "stack_destroyed", Map.of("containers", String.valueOf(removed)));
            return null;
        });
    }

    private void backup(StackName stack) throws InterruptedException {
        String job = backups.start(stack);
        while (true) {
            Optional<StackBackups.End> end = backups.end(job);
            if (end.isPresent()) {
                if (!end.get().ok()) {
                    throw new IllegalStateException("backup job " + job + " failed: " + end.get().failure());
                }
                return;
            }
            sleeper.sleep(BACKUP_POLL);
        }
    }

    /** Thaws the stack's paused containers (a paused container cannot be stopped cleanly); how many. */
    private int thaw(Stack stack) {
        int thawed = 0;
        for (ContainerInfo c : stack.containers()) {
            if (c.status() == ContainerStatus.PAUSED) {
                engine.unpause(c.id());
                thawed++;
            }
        }
        return thawed;
    }

    private static CommandResult require(CommandResult result) {
        if (!result.ok()) {
            throw new IllegalStateException(result.detail());
        }
        return result;
    }

    private void record(StackName stack, String kind, Map<String, String> fields) {
        Map<String, String> all = new TreeMap<>(fields);
        all.put("origin", ORIGIN);
        journal.appendEvent(new JournalEvent(clock.instant(), kind, stack.value(), all));
    }
}
