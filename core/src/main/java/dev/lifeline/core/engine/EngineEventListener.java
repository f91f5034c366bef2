package dev.lifeline.core.engine;

/** Receives engine events on the subscription's thread. */
public interface EngineEventListener {
    void onEvent(EngineEvent event);

    /** The stream ended: the engine went away or the subscription failed. Not called after a normal close. */
    void onStreamEnded(Throwable cause);
}
