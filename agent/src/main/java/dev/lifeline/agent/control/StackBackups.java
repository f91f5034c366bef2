package dev.lifeline.agent.control;

import dev.lifeline.core.model.StackName;
import java.util.Optional;

/** What a backup command needs from the agent's backup service: start a job of one stack, and learn how it ended. */
public interface StackBackups {

    /** How a job ended: {@code failure} is null when it succeeded. */
    record End(boolean ok, String failure) {}

    /** Starts a backup job of {@code stack} now; its id. Throws when it cannot start (busy, not ready, no data). */
    String start(StackName stack);

    /** The job's end; empty while it runs. */
    Optional<End> end(String job);
}
