package dev.lifeline.core.engine;

/**
 * What one on-request run of a container's healthcheck said. Only engines that do not schedule healthchecks
 * themselves (Podman without systemd) run one on request; elsewhere the answer is {@link #NOT_RUN} and the
 * container's health comes from its inspection as usual.
 */
public enum HealthProbe {
    /** The check ran now and passed: the container is healthy. */
    PASSED,
    /** The check ran now and failed: not healthy yet (or any more). */
    FAILED,
    /** No check ran: the engine runs them itself, or the container is not running or has no healthcheck. */
    NOT_RUN
}
