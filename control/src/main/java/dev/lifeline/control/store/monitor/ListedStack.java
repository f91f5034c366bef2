package dev.lifeline.control.store.monitor;

/**
 * One stack of a host's stored report as PostgreSQL reads it out of the jsonb, unparsed: a name or status may be
 * null or unknown when the stored report is malformed, which the monitor reports rather than acts on.
 */
public record ListedStack(String name, String status, String detail) {}
