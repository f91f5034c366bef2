package dev.lifeline.core.engine;

/** An open event stream; closing it is idempotent. */
public interface EventSubscription extends AutoCloseable {
    @Override
    void close();
}
