package dev.lifeline.core.model;

/** What the user wants for a stack. Changed only by the user (CLI, API, or an explicit stop/start outside Lifeline). */
public enum Intent {
    RUNNING, USER_STOPPED;

    public String wireName() {
        return this == RUNNING ? "running" : "user-stopped";
    }

    public static Intent fromWire(String value) {
        return switch (value) {
            case "running" -> RUNNING;
            case "user-stopped" -> USER_STOPPED;
            default -> throw new IllegalArgumentException("unknown intent '" + value + "': expected running or user-stopped");
        };
    }
}
