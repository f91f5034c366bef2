package dev.lifeline.control.notify;

import dev.lifeline.core.log.KeyValues;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dedicated connection per replica that LISTENs to the control plane's channels and hands each notification to
 * its channel's handler, in memory. When the connection is lost it reconnects with backoff, and tells every handler
 * that notifications may have been missed ({@link Notifications.Handler#onGap}), so that nothing waits for a
 * wake-up that will never come; the same happens once at the first connection.
 */
public final class PgListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgListener.class);
    private static final int POLL_MILLIS = 500;
    private static final Duration CHECK_EVERY = Duration.ofSeconds(15);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** Opens a new connection that the listener keeps for itself. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final ConnectionSource connections;
    private final Map<String, Notifications.Handler> handlers;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;

    private PgListener(ConnectionSource connections, Map<String, Notifications.Handler> handlers) {
        this.connections = connections;
        this.handlers = Map.copyOf(handlers);
        this.thread = Thread.ofPlatform().daemon().name("pg-listen").unstarted(this::run);
    }

    /** Starts listening to every channel of {@code handlers} (channel name to its handler). */
    public static PgListener start(ConnectionSource connections, Map<String, Notifications.Handler> handlers) {
        PgListener listener = new PgListener(connections, new LinkedHashMap<>(handlers));
        listener.thread.start();
        return listener;
    }

    private void run() {
        int failures = 0;
        while (running) {
            try (Connection c = connections.open()) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    for (String channel : handlers.keySet()) {
                        s.execute("LISTEN " + channel);
                    }
                }
                LOG.info(KeyValues.line("event", "notifications_listening", "channels", handlers.keySet()));
                failures = 0;
                handlers.values().forEach(Notifications.Handler::onGap);
                listen(c);
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                failures++;
                long backoff = Math.min(MAX_BACKOFF.toMillis(), 500L << Math.min(6, failures - 1));
                LOG.warn(KeyValues.line("event", "notifications_connection_lost", "error", e.getMessage(),
                        "retry_in_ms", backoff));
                handlers.values().forEach(Notifications.Handler::onGap);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
            } finally {
                connection = null;
            }
        }
    }

    /** Waits for notifications until the connection fails or the listener closes; checks the connection now and then. */
    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastCheck = System.nanoTime();
        while (running) {
            PGNotification[] received = pg.getNotifications(POLL_MILLIS);
            if (received != null) {
                for (PGNotification n : received) {
                    dispatch(n.getName(), n.getParameter());
                }
            }
            if (System.nanoTime() - lastCheck > CHECK_EVERY.toNanos()) {
                // a half-open connection (the server gone without a reset) would otherwise wait forever
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
                lastCheck = System.nanoTime();
            }
        }
    }

    private void dispatch(String channel, String payload) {
        Notifications.Handler handler = handlers.get(channel);
        if (handler == null) {
            return;
        }
        try {
            handler.onNotification(payload);
        } catch (RuntimeException e) {
            LOG.error(KeyValues.line("event", "notification_handler_failed", "channel", channel, "payload", payload,
                    "error", e.toString()), e);
        }
    }

    @Override
    public void close() {
        running = false;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing only to end the wait
            }
        }
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
