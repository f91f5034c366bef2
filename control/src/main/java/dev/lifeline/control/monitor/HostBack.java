package dev.lifeline.control.monitor;

import dev.lifeline.control.store.SqlTime;
import java.time.Instant;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * What the ingest does, in the transaction that turns an unreachable host online: {@link #announce} makes the host due
 * for the monitor at once (stored: whichever replica holds its lease plans it at its next pass, even if the replica
 * that was told dies first, and even if the host's report did not change while it was away) and notifies channel
 * {@value #CHANNEL}, which PostgreSQL delivers at commit to every replica's {@link HostBackSubscriber}: the one
 * holding the host's lease runs that pass at once.
 */
public final class HostBack {
    public static final String CHANNEL = "lifeline_host_back";

    private HostBack() {}

    /**
     * Makes the host due as of {@code now} (an earlier deadline is kept) and queues the notification (sent when the
     * transaction commits, dropped if it rolls back).
     */
    public static void announce(Handle handle, UUID host, Instant now) {
        handle.createQuery("""
                WITH due AS (
                    UPDATE hosts SET next_check_at = least(coalesce(next_check_at, :now), :now) WHERE id = :host
                )
                SELECT pg_notify(:channel, :hostText)
                """)
                .bind("host", host).bind("now", SqlTime.at(now)).bind("channel", CHANNEL)
                .bind("hostText", host.toString()).mapTo(String.class).one();
    }
}
