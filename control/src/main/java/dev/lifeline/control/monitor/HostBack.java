package dev.lifeline.control.monitor;

import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The wake-up for a host that came back: the ingest, in the transaction that turns an unreachable host online,
 * {@link #announce}s it on PostgreSQL channel {@value #CHANNEL}; PostgreSQL delivers it at commit to every replica's
 * {@link HostBackListener}, and the replica holding the host's lease reconciles it at once.
 */
public final class HostBack {
    public static final String CHANNEL = "lifeline_host_back";

    private HostBack() {}

    /** Queues the notification in the handle's transaction (sent when it commits, dropped if it rolls back). */
    public static void announce(Handle handle, UUID host) {
        handle.createQuery("SELECT pg_notify(:channel, :host)").bind("channel", CHANNEL)
                .bind("host", host.toString()).mapTo(String.class).one();
    }
}
