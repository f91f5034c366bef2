package dev.lifeline.core.model;

/** Engine healthcheck state; NONE when the container has no healthcheck. */
public enum Health {
    NONE, STARTING, HEALTHY, UNHEALTHY;

    public static Health parse(String engineHealth) {
        if (engineHealth == null || engineHealth.isBlank()) {
            return NONE;
        }
        return switch (engineHealth.toLowerCase(java.util.Locale.ROOT)) {
            case "starting" -> STARTING;
            case "healthy" -> HEALTHY;
            case "unhealthy" -> UNHEALTHY;
            default -> NONE;
        };
    }
}
