package dev.lifeline.agent.command;

import dev.lifeline.core.model.StackName;
import java.util.Optional;

/**
 * Stacks an operation in flight holds in a state it will undo itself (a backup job's quiesced stacks): supervision
 * leaves them alone and a user's start waits for the operation, which resumes them.
 */
@FunctionalInterface
public interface StackHolds {

    /** Who holds the stack, e.g. {@code backup job b20261122T030000Z-1a2b}; empty when nobody does. */
    Optional<String> holder(StackName stack);

    StackHolds NONE = stack -> Optional.empty();
}
