package dev.lifeline.control.agentapi;

import java.util.UUID;

/**
 * Told when a host that was unreachable heartbeats again (it is online now, audited), so that it is reconciled at
 * once rather than at the next tick. The host monitor implements it. Called after the heartbeat's transaction
 * commits, by the replica whose ingest saw it, and on the other replicas through the {@code lifeline_host_back}
 * notification; it must return quickly (hand the host to the monitor's own thread).
 */
@FunctionalInterface
public interface HostBackListener {
    void hostBack(UUID host);

    HostBackListener NONE = host -> { };
}
