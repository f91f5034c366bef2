package dev.lifeline.control.agentapi;

import dev.lifeline.control.command.CommandQueue;
import dev.lifeline.control.command.CommandWakeups;
import dev.lifeline.core.fleet.wire.AgentCommand;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /v1/agent/commands?waitMs=N&known=ID,ID}: the host's open commands the agent does not have (it names
 * those it is applying or whose result it has not seen stored), at once when there are some, else as soon as one is
 * queued (woken by the commands notification), or none after N ms. So an answer lost on the way is answered again
 * at the next long-poll, and a command being applied is not answered again and again.
 */
final class LongPoll implements AutoCloseable {
    private final CommandQueue queue;
    private final CommandWakeups wakeups;
    private final Executor database;
    private volatile boolean closing;

    /** @param database where the lookups after a wake-up run (a bounded pool: the replica's database connections) */
    LongPoll(CommandQueue queue, CommandWakeups wakeups, Executor database) {
        this.queue = queue;
        this.wakeups = wakeups;
        this.database = database;
    }

    CompletableFuture<List<AgentCommand>> await(UUID host, Set<UUID> known, Duration wait) {
        CompletableFuture<Void> wake = wakeups.register(host);
        List<AgentCommand> ready;
        try {
            ready = queue.deliver(host, known);
        } catch (RuntimeException e) {
            wake.cancel(false);
            throw e;
        }
        if (!ready.isEmpty() || wait.isZero() || closing) {
            wake.cancel(false);
            return CompletableFuture.completedFuture(ready);
        }
        return wake.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
                .thenApplyAsync(woken -> queue.deliver(host, known), database);
    }

    /** The replica stops: every waiting long-poll is answered now, and new ones at once. */
    @Override
    public void close() {
        closing = true;
        wakeups.onGap();
    }
}
