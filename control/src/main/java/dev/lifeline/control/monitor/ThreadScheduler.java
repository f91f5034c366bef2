package dev.lifeline.control.monitor;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The monitor's thread ({@code lifeline-monitor}, a daemon): a single-threaded scheduled executor. */
public final class ThreadScheduler implements MonitorScheduler {
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "lifeline-monitor");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public void every(Duration interval, Runnable task) {
        executor.scheduleAtFixedRate(task, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void soon(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException stopped) {
            // stopping: the pass it asked for is no longer wanted
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
