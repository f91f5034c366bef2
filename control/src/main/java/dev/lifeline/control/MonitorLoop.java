package dev.lifeline.control;

/**
 * The host monitor as the composition root runs it (the monitor's {@code HostMonitor}): started once the HTTP server
 * listens, it runs a pass at once and then every monitor interval; {@code /health/ready} waits for its first pass.
 */
public interface MonitorLoop extends AutoCloseable {

    void start();

    /** True once the first pass has finished (whether or not it found anything to do). */
    boolean firstPassDone();

    /** Stops the loop; a pass in flight finishes or is abandoned, never half-applied (its writes are transactions). */
    @Override
    void close();
}
