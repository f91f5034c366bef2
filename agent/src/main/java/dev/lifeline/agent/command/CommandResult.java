package dev.lifeline.agent.command;

/** How a command ended; {@code ok} false carries the reason. */
public record CommandResult(String stack, String action, boolean ok, String detail) {}
