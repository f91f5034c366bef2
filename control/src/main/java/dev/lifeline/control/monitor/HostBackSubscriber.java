package dev.lifeline.control.monitor;

import dev.lifeline.core.log.KeyValues;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on {@link HostBack#CHANNEL} on a connection of its own (thread {@code lifeline-monitor-listen}) and hands
 * each host id to the monitor. A payload is the host's id, optionally followed by a space and the id of the replica
 * whose ingest saw it. A lost connection is opened again after a second; meanwhile the monitor's interval still
 * reconciles every host with news, only later. Not needed where the composition root already listens on the channel
 * (the agent API's notifications) and calls {@link HostMonitor#hostCameBack} itself.
 */
public final class HostBackSubscriber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostBackSubscriber.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** Opens the listener's own connection (not one of the pool's: it is held for the monitor's whole life). */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final Connections connections;
    private final Consumer<UUID> hostCameBack;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch listening = new CountDownLatch(1);
    private final Thread thread;

    public HostBackSubscriber(Connections connections, Consumer<UUID> hostCameBack) {
        this.connections = connections;
        this.hostCameBack = hostCameBack;
        this.thread = new Thread(this::listen, "lifeline-monitor-listen");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Waits until the LISTEN is in place (tests, and a start that wants no notice missed). */
    public boolean awaitListening(Duration timeout) throws InterruptedException {
        return listening.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void listen() {
        while (stop.getCount() > 0) {
            try (Connection connection = connections.open()) {
                try (Statement s = connection.createStatement()) {
                    s.execute("LISTEN " + HostBack.CHANNEL);
                }
                listening.countDown();
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (stop.getCount() > 0) {
                    PGNotification[] notices = pg.getNotifications((int) POLL.toMillis());
                    if (notices != null) {
                        for (PGNotification notice : notices) {
                            deliver(notice.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (stop.getCount() > 0) {
                    LOG.warn(KeyValues.line("event", "host_back_listen_failed", "channel", HostBack.CHANNEL,
                            "error", e.getMessage(), "retry_ms", RETRY.toMillis()));
                    awaitStop(RETRY);
                }
            }
        }
    }

    private void deliver(String payload) {
        UUID host;
        try {
            host = UUID.fromString(payload.strip().split(" ", 2)[0]);
        } catch (IllegalArgumentException e) {
            LOG.warn(KeyValues.line("event", "host_back_notice_ignored", "channel", HostBack.CHANNEL, "payload",
                    payload, "error", "not a host id"));
            return;
        }
        hostCameBack.accept(host);
    }

    private void awaitStop(Duration timeout) {
        try {
            stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(POLL.multipliedBy(4).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
