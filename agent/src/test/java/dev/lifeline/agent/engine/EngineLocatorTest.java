package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.core.engine.EngineException;
import dev.lifeline.testkit.podman.PodmanService;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineLocatorTest {
    private static PodmanService podman;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        podman = PodmanService.start();
    }

    @AfterAll
    static void stop() {
        if (podman != null) {
            podman.close();
        }
    }

    private EngineLocator locator(Map<String, String> env, List<URI> wellKnown) {
        return new EngineLocator(env, wellKnown, Duration.ofSeconds(2));
    }

    @Test
    void whenNothingAnswersTheErrorListsEveryAttemptAndWhatToDo() throws IOException {
        Path regular = Files.writeString(tmp.resolve("docker.sock"), "not a socket");
        Path missing = tmp.resolve("missing.sock");
        Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + tmp.resolve("dh.sock"),
                "XDG_RUNTIME_DIR", tmp.resolve("xdg").toString());
        EngineLocator locator = locator(env, List.of(URI.create("unix://" + regular), URI.create("unix://" + missing)));

        assertThatThrownBy(() -> locator.locate(Optional.empty()))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isUnreachable()).isTrue())
                .hasMessageContaining("unix://" + tmp.resolve("dh.sock") + " (DOCKER_HOST): no such file")
                .hasMessageContaining("unix://" + regular + " (default): is a regular file, not a socket")
                .hasMessageContaining("unix://" + missing + " (default): no such file")
                .hasMessageContaining("unix://" + tmp.resolve("xdg/podman/podman.sock") + " (XDG_RUNTIME_DIR): no such file")
                .hasMessageContaining("podman system service")
                .hasMessageContaining("LIFELINE_ENGINE");
    }

    @Test
    void deadSocketIsConnectionRefused() throws Exception {
        Path sock = tmp.resolve("dead.sock");
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(sock));
        } // closed: the socket file stays, nobody listens
        assertThatThrownBy(() -> locator(Map.of(), List.of()).locate(Optional.of(sock.toString())))
                .hasMessageContaining("unix://" + sock + " (--engine/LIFELINE_ENGINE): connection refused");
    }

    @Test
    void searchOrderFindsTheFirstThatAnswers() {
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", tmp.resolve("xdg").toString());
        EngineLocator locator = locator(env, List.of(URI.create("unix://" + tmp.resolve("none.sock")), podman.socketUri()));
        EngineLocator.Located located = locator.locate(Optional.empty());
        assertThat(located.endpoint()).isEqualTo(podman.socketUri());
        assertThat(located.source()).isEqualTo("default");

        EngineLocator viaDockerHost = locator(Map.of("DOCKER_HOST", podman.socketUri().toString()), List.of());
        assertThat(viaDockerHost.locate(Optional.empty()).source()).isEqualTo("DOCKER_HOST");
    }

    @Test
    void explicitEndpointWinsAndIsNeverSkipped() {
        Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + tmp.resolve("other.sock"));
        EngineLocator locator = locator(env, List.of(URI.create("unix://" + tmp.resolve("none.sock"))));
        // a bare path is accepted
        EngineLocator.Located located = locator.locate(Optional.of(podman.socketPath().toString()));
        assertThat(located.endpoint()).isEqualTo(podman.socketUri());
        assertThat(located.source()).isEqualTo("--engine/LIFELINE_ENGINE");

        // an explicit endpoint that does not answer is an error, even though DOCKER_HOST would
        EngineLocator fallbackAvailable = locator(Map.of("DOCKER_HOST", podman.socketUri().toString()), List.of());
        String bad = "unix://" + tmp.resolve("explicit.sock");
        assertThatThrownBy(() -> fallbackAvailable.locate(Optional.of(bad)))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining(bad + " (--engine/LIFELINE_ENGINE): no such file")
                .hasMessageNotContaining("DOCKER_HOST)");
        assertThatThrownBy(() -> fallbackAvailable.locate(Optional.of("ftp://x")))
                .hasMessageContaining("unsupported scheme");
    }
}
