package dev.lifeline.agent.engine;

import dev.lifeline.core.engine.EngineKind;
import java.util.Map;

/**
 * What an engine is, read from the headers of its ping answer: Podman sends {@code Libpod-Api-Version} (and
 * {@code Server: Libpod/4.3.1 (linux)}), Docker {@code Server: Docker/27.3.1 (linux)}; both send the Docker API
 * version they speak as {@code Api-Version}. Header names are case-insensitive: the map must be too.
 *
 * @param kind       Docker Engine or Podman
 * @param version    the engine's own version ("20.10.24+dfsg1", "4.3.1"), "unknown" when it does not say
 * @param apiVersion the Docker Engine API version it speaks ("1.41")
 */
public record EngineIdentity(EngineKind kind, String version, String apiVersion) {

    static EngineIdentity fromPingHeaders(Map<String, String> headers) {
        String api = headers.getOrDefault("Api-Version", "unknown");
        String libpod = headers.get("Libpod-Api-Version");
        if (libpod != null && !libpod.isBlank()) {
            return new EngineIdentity(EngineKind.PODMAN, libpod.strip(), api);
        }
        String server = headers.getOrDefault("Server", "");
        EngineKind kind = server.startsWith("Libpod/") ? EngineKind.PODMAN : EngineKind.DOCKER;
        return new EngineIdentity(kind, serverVersion(server), api);
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
    public String describe() {
        return kind.id() + " " + version + " (API " + apiVersion + ")";
    }
}
