package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lifeline.core.engine.EngineEvent;
import dev.lifeline.core.engine.EngineEventListener;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.engine.EventSubscription;
import dev.lifeline.testkit.podman.PodmanService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The engine's API service goes away and comes back. */
class EngineUnreachableTest {

    @Test
    void stoppedServiceIsUnreachableAndEndsTheEventStream() {
        try (PodmanService podman = PodmanService.start(); DockerEngine engine = new DockerEngine(podman.socketUri())) {
            String id = podman.runContainer("survivor", Map.of());
            List<Throwable> ended = new CopyOnWriteArrayList<>();
            EventSubscription subscription = engine.subscribe(new EngineEventListener() {
                @Override
                public void onEvent(EngineEvent event) {}

                @Override
                public void onStreamEnded(Throwable cause) {
                    ended.add(cause);
                }
            });

            podman.stopService();

            await().atMost(Duration.ofSeconds(10)).until(() -> !ended.isEmpty());
            assertThat(ended).hasSize(1);
            for (Runnable call : List.<Runnable>of(engine::ping, engine::listContainers, () -> engine.start(id),
                    () -> engine.stop(id, Duration.ofSeconds(1)), () -> engine.inspect(id))) {
                assertThatThrownBy(call::run)
                        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isUnreachable()).isTrue())
                        .hasMessageContaining(podman.socketUri().toString());
            }
            assertThatThrownBy(() -> engine.subscribe(new EngineEventListener() {
                @Override
                public void onEvent(EngineEvent event) {}

                @Override
                public void onStreamEnded(Throwable cause) {}
            })).isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isUnreachable()).isTrue());
            subscription.close();

            podman.startService();
            engine.ping();
            assertThat(engine.inspect(id)).hasValueSatisfying(c -> assertThat(c.isUp()).isTrue());
        }
    }
}
