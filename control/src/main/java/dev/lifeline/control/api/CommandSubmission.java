package dev.lifeline.control.api;

import dev.lifeline.core.fleet.CommandKind;
import java.util.UUID;

/**
 * Where the API hands a user's command: the agents' command queue (the protocol's {@code CommandQueue.submit}), which
 * in one transaction writes the command (pending), moves the workload to the command's transient status with a
 * compare-and-set from a settled status, and audits it; then wakes the host's long-poll.
 */
@FunctionalInterface
public interface CommandSubmission {

    Outcome submit(Order order);

    /**
     * A command the API checked: the host and workload exist and the caller's team may act on them.
     *
     * @param actor who asked ({@link dev.lifeline.control.auth.Principal#actor()}), for the command and its audit
     * @param reason why, for the audit log ("" when not given)
     */
    record Order(UUID host, String workload, CommandKind kind, String actor, String reason) {}

    /** What became of a submission. */
    sealed interface Outcome {
        /** Queued: 202 with the command. */
        record Accepted(UUID commandId) implements Outcome {}

        /** The workload is already changing (a transient status) or cannot take this command now: 409. */
        record Conflict(String detail) implements Outcome {}

        /** The host or workload went away meanwhile: 404. */
        record Gone(String detail) implements Outcome {}

        /** No command can be queued now (the queue is not there): 503. */
        record Unavailable(String detail) implements Outcome {}
    }
}
