package dev.lifeline.control.api;

import java.util.UUID;

/** Request bodies, read only after openapi.json's schema accepted them. */
public final class Requests {
    private Requests() {}

    public record CommandRequest(UUID host, String workload, String kind, String reason) {}

    public record TeamRequest(String name) {}

    public record TokenRequest(String name) {}
}
