package dev.lifeline.control.agentapi;

import dev.lifeline.control.command.CommandQueue;
import dev.lifeline.control.command.CommandWakeups;
import dev.lifeline.core.fleet.wire.AgentCommand;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /v1/agent/commands?waitMs=N}: the host's commands not delivered yet, at once when there are some, else
 * as soon as one is queued (woken by the commands notification), or none after N ms. Delivered commands are not
 * answered again here (the agent applying one would ask again at once): the heartbeat delivers them again until
 * their result arrives.
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

    CompletableFuture<List<AgentCommand>> await(UUID host, Duration wait) {
        CompletableFuture<Void> wake = wakeups.register(host);
        List<AgentCommand> ready;
        try {
            ready = queue.takeUndelivered(host);
        } catch (RuntimeException e) {
            wake.cancel(false);
            throw e;
        }
        if (!ready.isEmpty() || wait.isZero() || closing) {
            wake.cancel(false);
            return CompletableFuture.completedFuture(ready);
        }
        return wake.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
                .thenApplyAsync(woken -> queue.takeUndelivered(host), database);
    }

    /** The replica stops: every waiting long-poll is answered now, and new ones at once. */
    @Override
    public void close() {
        closing = true;
        wakeups.onGap();
    }
}
