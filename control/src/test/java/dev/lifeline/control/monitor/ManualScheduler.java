package dev.lifeline.control.monitor;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A scheduler the test drives: the periodic task runs at {@link #tick()}, the others at {@link #runQueued()}. */
final class ManualScheduler implements MonitorScheduler {
    private final BlockingQueue<Runnable> queued = new LinkedBlockingQueue<>();
    private Runnable periodic;
    private Duration interval;
    private boolean closed;

    @Override
    public synchronized void every(Duration interval, Runnable task) {
        this.periodic = task;
        this.interval = interval;
        task.run(); // "at once"
    }

    @Override
    public void soon(Runnable task) {
        if (!closed) {
            queued.add(task);
        }
    }

    /** One interval went by. */
    synchronized void tick() {
        periodic.run();
    }

    /** Runs what was asked to run soon; returns how many. */
    synchronized int runQueued() {
        int n = 0;
        for (Runnable task = queued.poll(); task != null; task = queued.poll()) {
            task.run();
            n++;
        }
        return n;
    }

    int queuedCount() {
        return queued.size();
    }

    Duration interval() {
        return interval;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
