package dev.lifeline.agent.control;

import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.wire.AgentCommand;
import dev.lifeline.core.journal.CommandEntry;
import dev.lifeline.core.journal.CommandLedger;
import dev.lifeline.core.journal.CommandReceipt;
import dev.lifeline.core.log.KeyValues;
import dev.lifeline.core.model.StackName;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the control plane's commands at most once each. A command's id is recorded in the journal before anything
 * is done: a repeat (the control plane delivers a command again until its result arrives, from heartbeats and the
 * long-poll alike) is never applied again, and its recorded result goes out with the next heartbeat. Commands of one
 * stack run one after another in the order they came; different stacks' run side by side. A command the agent died
 * applying is answered as failed at the next start ({@link #failInterrupted}): the stack's report says where it is.
 */
public final class CommandApplier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandApplier.class);
    private static final int THREADS = 4;

    /** What the applier does with a command; throws with the reason when it failed. */
    @FunctionalInterface
    public interface Action {
        void apply(CommandKind kind, StackName stack) throws Exception;
    }

    private final CommandLedger ledger;
    private final Action action;
    private final InstantSource clock;
    private final Runnable resultReady;
    private final ExecutorService workers = Executors.newFixedThreadPool(THREADS,
            Thread.ofPlatform().daemon().name("control-command-", 0).factory());
    private final Map<String, StackName> running = new ConcurrentHashMap<>();
    private final Map<StackName, CommandKind> applying = new ConcurrentHashMap<>();
    private final Map<StackName, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private volatile boolean accepting;

    /**
     * @param resultReady called when a result is ready to go (recorded now, or asked for again): the heartbeat loop
     *     sends it early
     */
    public CommandApplier(CommandLedger ledger, Action action, InstantSource clock, Runnable resultReady) {
        this.ledger = ledger;
        this.action = action;
        this.clock = clock;
        this.resultReady = resultReady;
    }

    /** Commands the agent died applying are answered as failed; call once, before {@link #accept}. */
    public void failInterrupted() {
        for (CommandEntry e : ledger.unfinished()) {
            ledger.finish(e.id(), false, "the agent stopped while applying this command (its stack's next report "
                    + "shows where it stands); send a new command if it is still wanted", clock.instant());
            LOG.warn(KeyValues.line("event", "control_command_interrupted", "command", e.id(), "kind", e.kind(),
                    "stack", e.stack()));
        }
    }

    /** From now on commands are applied (until then they are left for a later delivery: recovery comes first). */
    public void accept() {
        accepting = true;
    }

    public boolean accepting() {
        return accepting;
    }

    /** The ids of the commands being applied now. */
    public Set<String> inFlight() {
        return Set.copyOf(running.keySet());
    }

    /** Stacks with a command being applied, and its kind: the report shows its transient status. */
    public Map<StackName, CommandKind> applying() {
        return Map.copyOf(applying);
    }

    /** Takes delivered commands: new ids are recorded and queued, repeats answered from the journal. */
    public void offer(List<AgentCommand> commands) {
        if (!accepting) {
            return;
        }
        for (AgentCommand command : commands) {
            if (running.containsKey(command.id())) {
                continue;
            }
            try {
                take(command);
            } catch (RuntimeException e) {
                // the journal could not record it: it is not applied, and comes again with the next delivery
                LOG.error(KeyValues.line("event", "control_command_not_recorded", "command", command.id(),
                        "error", e.getMessage()));
            }
        }
    }

    private void take(AgentCommand command) {
        Optional<CommandKind> kind = kindOf(command.kind());
        Optional<StackName> stack = StackName.isValid(command.stack()) ? Optional.of(StackName.of(command.stack()))
                : Optional.empty();
        CommandReceipt receipt = ledger.receive(command.id(), command.kind(), String.valueOf(command.stack()),
                clock.instant());
        if (!receipt.firstTime()) {
            if (receipt.entry().finished()) {
                ledger.resend(command.id());
                resultReady.run();
                LOG.info(KeyValues.line("event", "control_command_repeated", "command", command.id(), "kind",
                        command.kind(), "stack", command.stack(), "answer", "recorded result"));
            }
            return;
        }
        if (kind.isEmpty() || stack.isEmpty()) {
            finish(command, false, kind.isEmpty() ? "unknown command '" + command.kind() + "': this agent knows start,"
                    + " stop, pause, resume, destroy and backup (is it older than the control plane?)"
                    : "'" + command.stack() + "' is not a stack name");
            return;
        }
        running.put(command.id(), stack.get());
        LOG.info(KeyValues.line("event", "control_command_received", "command", command.id(), "kind",
                command.kind(), "stack", command.stack()));
        tails.compute(stack.get(), (s, tail) -> (tail == null ? CompletableFuture.<Void>completedFuture(null) : tail)
                .thenRunAsync(() -> run(command, kind.get(), stack.get()), workers));
    }

    private void run(AgentCommand command, CommandKind kind, StackName stack) {
        applying.put(stack, kind);
        boolean ok = false;
        String error = null;
        try {
            action.apply(kind, stack);
            ok = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "the agent is shutting down";
        } catch (Exception e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        } finally {
            applying.remove(stack);
        }
        if (Thread.currentThread().isInterrupted()) {
            // left unfinished on purpose: the next start answers it as interrupted
            running.remove(command.id());
            return;
        }
        finish(command, ok, error);
        running.remove(command.id());
    }

    private void finish(AgentCommand command, boolean ok, String error) {
        ledger.finish(command.id(), ok, error, clock.instant());
        LOG.info(KeyValues.line("event", "control_command_finished", "command", command.id(), "kind", command.kind(),
                "stack", command.stack(), "ok", ok, "error", error == null ? "" : error));
        resultReady.run();
    }

    private static Optional<CommandKind> kindOf(String wire) {
        try {
            return Optional.of(CommandKind.fromWire(wire));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        accepting = false;
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
