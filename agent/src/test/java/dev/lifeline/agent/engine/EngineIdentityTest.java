package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.engine.EngineKind;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EngineIdentityTest {

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            h.put(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    @Test
    void podmanSaysSoInItsLibpodHeader() {
        // the headers Podman 4.3.1 sends with its ping answer
        EngineIdentity id = EngineIdentity.fromPingHeaders(headers("Api-Version", "1.41", "Libpod-Api-Version",
                "4.3.1", "Server", "Libpod/4.3.1 (linux)", "Docker-Experimental", "true"));
        assertThat(id.kind()).isEqualTo(EngineKind.PODMAN);
        assertThat(id.describe()).isEqualTo("podman 4.3.1 (API 1.41)");
    }

    @Test
    void dockerNamesItselfInTheServerHeader() {
        EngineIdentity id = EngineIdentity.fromPingHeaders(headers("api-version", "1.47", "server",
                "Docker/27.3.1 (linux)", "OSType", "linux"));
        assertThat(id.kind()).isEqualTo(EngineKind.DOCKER);
        assertThat(id.describe()).isEqualTo("docker 27.3.1 (API 1.47)");
    }

    @Test
    void missingHeadersAreUnknownNotAnError() {
        EngineIdentity id = EngineIdentity.fromPingHeaders(headers());
        assertThat(id.kind()).isEqualTo(EngineKind.DOCKER);
        assertThat(id.describe()).isEqualTo("docker unknown (API unknown)");
        assertThat(EngineIdentity.fromPingHeaders(headers("Server", "Libpod/")).kind()).isEqualTo(EngineKind.PODMAN);
    }
}
