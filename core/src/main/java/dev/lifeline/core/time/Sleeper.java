package dev.lifeline.core.time;

import java.time.Duration;

/** Waiting, injected like time itself, so that executors can be driven by a simulated clock. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
}
