package dev.lifeline.core.fleet.wire;

/**
 * A command for one stack ({@link dev.lifeline.core.fleet.CommandKind} wire name). The id makes it idempotent: an
 * agent applies an id at most once, and answers a repeated one with the result it recorded.
 */
public record AgentCommand(String id, String kind, String stack) {}
