package dev.lifeline.control.agentapi;

import dev.lifeline.control.notify.Notifications;
import dev.lifeline.core.log.KeyValues;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts that came back, as the other replicas' ingests saw them ({@link Notifications#HOST_BACK}), passed to this
 * replica's listener. This replica's own notices are skipped: its ingest told the listener already.
 */
final class HostBackNotices implements Notifications.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(HostBackNotices.class);

    private final HostBackListener listener;
    private final String origin;

    HostBackNotices(HostBackListener listener, String origin) {
        this.listener = listener;
        this.origin = origin;
    }

    @Override
    public void onNotification(String payload) {
        String[] parts = payload.strip().split(" ", 2);
        if (parts.length == 2 && parts[1].equals(origin)) {
            return;
        }
        try {
            listener.hostBack(UUID.fromString(parts[0]));
        } catch (IllegalArgumentException e) {
            LOG.warn(KeyValues.line("event", "host_back_notification_ignored", "payload", payload,
                    "reason", "not a host id"));
        }
    }

    /** A missed notice costs only speed: the monitor's next tick reconciles the host anyway. */
    @Override
    public void onGap() {
    }
}
