package dev.lifeline.core.journal;

import java.time.Instant;
import java.util.Optional;

/**
 * A command the agent received from the control plane, as its journal records it.
 *
 * @param kind the command's wire name ({@code start}, {@code stop}, ...), as received
 * @param finishedAt empty while it is being applied (or when the agent died applying it)
 * @param error why it failed; null when it succeeded or has not finished
 */
public record CommandEntry(String id, String kind, String stack, Instant receivedAt, Optional<Instant> finishedAt,
        boolean ok, String error, Optional<Instant> acknowledgedAt) {

    public boolean finished() {
        return finishedAt.isPresent();
    }
}
