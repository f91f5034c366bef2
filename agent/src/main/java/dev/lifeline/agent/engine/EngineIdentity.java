package dev.lifeline.agent.engine;

import java.util.Map;

/**
 * What an engine is, read from the headers of its ping answer: Podman sends {@code Libpod-Api-Version} (and
 * {@code Server: Libpod/4.3.1 (linux)}), Docker {@code Server: Docker/27.3.1 (linux)}; both send the Docker API
 * version they speak as {@code Api-Version}. Header names are case-insensitive: the map must be too.
 */
record EngineIdentity(boolean podman, String version, String apiVersion) {

    static EngineIdentity fromPingHeaders(Map<String, String> headers) {
        String api = headers.getOrDefault("Api-Version", "unknown");
        String libpod = headers.get("Libpod-Api-Version");
        if (libpod != null && !libpod.isBlank()) {
            return new EngineIdentity(true, libpod.strip(), api);
        }
        String server = headers.getOrDefault("Server", "");
        boolean podmanServer = server.startsWith("Libpod/");
        return new EngineIdentity(podmanServer, serverVersion(server), api);
    }

    /** "Docker/27.3.1 (linux)" gives "27.3.1"; anything else "unknown". */
    private static String serverVersion(String server) {
        int slash = server.indexOf('/');
        if (slash < 0) {
            return "unknown";
        }
        String rest = server.substring(slash + 1).strip();
        int space = rest.indexOf(' ');
        String version = space < 0 ? rest : rest.substring(0, space);
        return version.isBlank() ? "unknown" : version;
    }

    /** As {@link DockerEngine#describe()} words it: "podman 4.3.1 (API 1.41)". */
    String describe() {
        return (podman ? "podman " : "docker ") + version + " (API " + apiVersion + ")";
    }
}
