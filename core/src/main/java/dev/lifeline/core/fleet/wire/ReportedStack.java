package dev.lifeline.core.fleet.wire;

/**
 * One stack in a heartbeat: its name, its status (a {@link dev.lifeline.core.fleet.WorkloadStatus} wire name other
 * than {@code missing}) and a short human detail ("3/3 containers up", "crash-loop backoff 20 s").
 */
public record ReportedStack(String name, String status, String detail) {}
