package dev.lifeline.core.fault;

/**
 * Named places in disruptive operations where a crash is tested. Production code calls {@link #reach} at each;
 * the real agent can be told to stop dead there (for a kill -9 test), the simulation throws a simulated crash.
 */
public interface CrashPoints {

    void reach(String point);

    CrashPoints NONE = point -> { };
}
