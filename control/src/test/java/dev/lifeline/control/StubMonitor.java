package dev.lifeline.control;

import java.util.concurrent.atomic.AtomicBoolean;

/** A stand-in for the host monitor (built on another branch): its "first pass" is done when a test says so. */
public final class StubMonitor implements MonitorLoop {
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean passed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public void start() {
        started.set(true);
    }

    public void finishFirstPass() {
        passed.set(true);
    }

    public boolean started() {
        return started.get();
    }

    public boolean closed() {
        return closed.get();
    }

    @Override
    public boolean firstPassDone() {
        return passed.get();
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
