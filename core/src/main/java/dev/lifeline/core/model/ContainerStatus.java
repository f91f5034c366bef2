package dev.lifeline.core.model;

/** The engine's view of a container's process. */
public enum ContainerStatus {
    CREATED, RUNNING, PAUSED, RESTARTING, EXITED, DEAD, REMOVING, UNKNOWN;

    public boolean isUp() {
        return this == RUNNING || this == PAUSED;
    }

    public static ContainerStatus parse(String engineStatus) {
        if (engineStatus == null) {
            return UNKNOWN;
        }
        return switch (engineStatus.toLowerCase(java.util.Locale.ROOT)) {
            case "created", "configured", "initialized" -> CREATED;
            case "running" -> RUNNING;
            case "paused" -> PAUSED;
            case "restarting" -> RESTARTING;
            case "exited", "stopped" -> EXITED;
            case "dead" -> DEAD;
            case "removing" -> REMOVING;
            default -> UNKNOWN;
        };
    }
}
