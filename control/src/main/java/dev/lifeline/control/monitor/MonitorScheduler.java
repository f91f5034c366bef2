package dev.lifeline.control.monitor;

import java.time.Duration;

/**
 * Where the monitor's passes run: one at a time, on one thread, so passes never overlap. The real one is
 * {@link ThreadScheduler}; tests drive their own.
 */
public interface MonitorScheduler extends AutoCloseable {

    /** Runs {@code task} at once and then every {@code interval} (at a fixed rate; a late run starts when it can). */
    void every(Duration interval, Runnable task);

    /** Runs {@code task} as soon as the current one (if any) ends. */
    void soon(Runnable task);

    /** Stops: nothing new starts, the running task ends first. */
    @Override
    void close();
}
