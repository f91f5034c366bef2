package dev.lifeline.core.engine;

/**
 * Which container engine answers the Docker Engine API. Lifeline speaks that API to both; where they differ, the
 * engine adapter and the supervisor say so (see ARCHITECTURE.md, "Where engines differ").
 */
public enum EngineKind {
    /** Docker Engine ({@code dockerd}): runs healthchecks itself; its kill events name the signal. */
    DOCKER("docker", "Docker Engine"),
    /** Podman's compatible API service: runs healthchecks only on request (no systemd timers); no stop events. */
    PODMAN("podman", "Podman");

    private final String id;
    private final String product;

    EngineKind(String id, String product) {
        this.id = id;
        this.product = product;
    }

    /** The short name: {@code docker}, {@code podman}. */
    public String id() {
        return id;
    }

    /** The product's name as its makers write it. */
    public String product() {
        return product;
    }

    @Override
    public String toString() {
        return id;
    }
}
