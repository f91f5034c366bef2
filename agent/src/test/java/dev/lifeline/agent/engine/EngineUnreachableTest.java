package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lifeline.core.engine.EngineEvent;
import dev.lifeline.core.engine.EngineEventListener;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.core.engine.EventSubscription;
import dev.lifeline.testkit.engine.TestEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The engine's API service goes away and comes back; the containers keep running meanwhile. */
class EngineUnreachableTest {

    @ParameterizedTest(name = "on {0}")
    @EnumSource(EngineKind.class)
    void stoppedServiceIsUnreachableAndEndsTheEventStream(EngineKind kind) {
        try (TestEngine real = TestEngine.start(kind); DockerEngine engine = new DockerEngine(real.socketUri())) {
            String id = real.runContainer("survivor", Map.of());
            List<Throwable> ended = new CopyOnWriteArrayList<>();
            EventSubscription subscription = engine.subscribe(new EngineEventListener() {
                @Override
                public void onEvent(EngineEvent event) {}

                @Override
                public void onStreamEnded(Throwable cause) {
                    ended.add(cause);
                }
            });

            real.stopService();

            await().atMost(Duration.ofSeconds(10)).until(() -> !ended.isEmpty());
            assertThat(ended).hasSize(1);
            for (Runnable call : List.<Runnable>of(engine::ping, engine::listContainers, () -> engine.start(id),
                    () -> engine.stop(id, Duration.ofSeconds(1)), () -> engine.inspect(id))) {
                assertThatThrownBy(call::run)
                        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isUnreachable()).isTrue())
                        .hasMessageContaining(real.socketUri().toString());
            }
            assertThatThrownBy(() -> engine.subscribe(new EngineEventListener() {
                @Override
                public void onEvent(EngineEvent event) {}

                @Override
                public void onStreamEnded(Throwable cause) {}
            })).isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isUnreachable()).isTrue());
            subscription.close();

            real.startService();
            engine.ping();
            assertThat(engine.inspect(id)).hasValueSatisfying(c -> assertThat(c.isUp()).isTrue());
        }
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(EngineKind.class)
    void theFirstReadAfterTheEngineRestartedIsAnsweredThoughTheConnectionsKeptOpenWereClosed(EngineKind kind) {
        try (TestEngine real = TestEngine.start(kind); DockerEngine engine = new DockerEngine(real.socketUri())) {
            for (String name : List.of("kept-1", "kept-2", "kept-3")) {
                real.runContainer(name, Map.of());
            }
            // the full list inspects every container at once: connections kept open for the next requests
            assertThat(engine.listContainers()).hasSize(3);
            engine.ping();

            real.stopService();
            real.startService();

            assertThat(engine.listContainers()).extracting(c -> c.name()).containsExactlyInAnyOrder("kept-1", "kept-2",
                    "kept-3");
            assertThat(engine.inspect("kept-1")).hasValueSatisfying(c -> assertThat(c.isUp()).isTrue());
        }
    }

    @Test
    void onlyAFailureOnAnOpenConnectionIsTriedAgain() {
        assertThat(DockerEngine.onClosedConnection(new RuntimeException(new IOException("Broken pipe")))).isTrue();
        assertThat(DockerEngine.onClosedConnection(new UncheckedIOException(new IOException("Connection reset"))))
                .isTrue();
        assertThat(DockerEngine.onClosedConnection(new RuntimeException(new ConnectException("Connection refused"))))
                .as("the engine is down").isFalse();
        assertThat(DockerEngine.onClosedConnection(new RuntimeException(new SocketException("No such file"))))
                .as("no socket").isFalse();
        assertThat(DockerEngine.onClosedConnection(new RuntimeException(new SocketTimeoutException("Read timed out"))))
                .as("a timeout").isFalse();
        assertThat(DockerEngine.onClosedConnection(new IllegalStateException("not I/O"))).isFalse();
    }
}
