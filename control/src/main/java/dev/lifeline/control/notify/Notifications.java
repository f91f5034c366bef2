package dev.lifeline.control.notify;

/**
 * The PostgreSQL channels the control plane's replicas use to wake each other. A notification is delivered at the
 * commit of the transaction that sent it, to every replica listening.
 */
public final class Notifications {
    /** A command was queued; the payload is its host's id. Sent by a trigger on every insert into commands. */
    public static final String COMMANDS = "lifeline_commands";
    /** A host came back from unreachable; the payload is {@code HOST_ID ORIGIN} (the replica whose ingest saw it). */
    public static final String HOST_BACK = "lifeline_host_back";

    private Notifications() {}

    /** What a listener does with the notifications of one channel. */
    public interface Handler {
        void onNotification(String payload);

        /**
         * Notifications may have been missed (the listening connection was down, or has just been made): whatever
         * waits for one should look again.
         */
        void onGap();
    }
}
