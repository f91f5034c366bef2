package dev.lifeline.core.fleet.wire;

/** What became of a command: sent in every heartbeat until the control plane acknowledges it. */
public record CommandResult(String commandId, boolean ok, String error) {}
