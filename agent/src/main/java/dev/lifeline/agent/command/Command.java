package dev.lifeline.agent.command;

import dev.lifeline.core.model.StackName;

/**
 * A command the agent accepts: from the local API today, from the control plane's heartbeat responses later. Both
 * change the user's intent first, then act.
 */
public sealed interface Command {
    StackName stack();

    String origin();

    record StopStack(StackName stack, String origin) implements Command {}

    record StartStack(StackName stack, String origin) implements Command {}
}
