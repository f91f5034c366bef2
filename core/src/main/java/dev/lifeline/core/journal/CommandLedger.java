package dev.lifeline.core.journal;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Port to the durable record of the control plane's commands an agent received (the agent's journal): each id is
 * recorded before the command is applied, so that an id is applied at most once, and a repeat (the control plane
 * delivers a command again until its result arrives) gets the recorded result. Every write is durable when it
 * returns.
 */
public interface CommandLedger {

    /**
     * Records the command if its id is new. The receipt says whether it is (apply it) or what was recorded for it
     * before (never apply it again).
     */
    CommandReceipt receive(String id, String kind, String stack, Instant now);

    /** Records how the command ended; a command already finished keeps its first result. */
    void finish(String id, boolean ok, String error, Instant now);

    /** Finished commands whose results the control plane has not acknowledged yet, oldest first, at most {@code limit}. */
    List<CommandEntry> unacknowledged(int limit);

    /** The control plane has stored these results: they are not sent again. */
    void acknowledge(Collection<String> ids, Instant now);

    /** A result the control plane asks for again (it delivered the command again): sent with the next heartbeat. */
    void resend(String id);

    /** Commands received but never finished: the agent stopped while applying them. */
    List<CommandEntry> unfinished();
}
