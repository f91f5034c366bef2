package dev.lifeline.control.command;

import dev.lifeline.control.notify.Notifications;
import dev.lifeline.core.log.KeyValues;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-polls waiting on this replica, by host, woken by the {@link Notifications#COMMANDS} notifications that
 * the one listening connection receives: one LISTEN per replica, fanned out in memory to any number of waiting agents.
 */
public final class CommandWakeups implements Notifications.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(CommandWakeups.class);

    private final ConcurrentHashMap<UUID, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    /**
     * A future completed when a command for {@code host} may have arrived. Register before looking for commands, so
     * that a command queued in between still wakes the waiter.
     */
    public CompletableFuture<Void> register(UUID host) {
        CompletableFuture<Void> wake = new CompletableFuture<>();
        waiting.computeIfAbsent(host, h -> ConcurrentHashMap.newKeySet()).add(wake);
        wake.whenComplete((ok, error) -> forget(host, wake));
        return wake;
    }

    /** Wakes every waiter of {@code host}. */
    public void wake(UUID host) {
        Set<CompletableFuture<Void>> waiters = waiting.remove(host);
        if (waiters != null) {
            waiters.forEach(w -> w.complete(null));
        }
    }

    /** How many long-polls wait now (for metrics and tests). */
    public int waiting() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }

    @Override
    public void onNotification(String payload) {
        UUID host;
        try {
            host = UUID.fromString(payload.strip());
        } catch (IllegalArgumentException e) {
            LOG.warn(KeyValues.line("event", "command_notification_ignored", "payload", payload,
                    "reason", "not a host id"));
            return;
        }
        wake(host);
    }

    /** Notifications may have been lost: every waiter looks again. */
    @Override
    public void onGap() {
        for (UUID host : Set.copyOf(waiting.keySet())) {
            wake(host);
        }
    }

    private void forget(UUID host, CompletableFuture<Void> wake) {
        waiting.computeIfPresent(host, (h, set) -> {
            set.remove(wake);
            return set.isEmpty() ? null : set;
        });
    }
}
