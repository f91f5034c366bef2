package dev.lifeline.core.journal;

/**
 * What the journal says when a command arrives: {@code firstTime} = recorded now, apply it; else {@code entry} is
 * what was recorded when it first came.
 */
public record CommandReceipt(CommandEntry entry, boolean firstTime) {}
