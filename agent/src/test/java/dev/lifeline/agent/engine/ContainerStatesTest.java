package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.testkit.engine.TestEngine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The cheap listing recovery plans from agrees with the full one on what recovery decides from. */
class ContainerStatesTest {

    @Test
    void exitCodesAreReadFromTheListStatusText() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode exited = json.readTree("{\"Status\":\"Exited (143) 2 minutes ago\"}");
        JsonNode running = json.readTree("{\"Status\":\"Up 5 minutes\"}");
        JsonNode negative = json.readTree("{\"Status\":\"Exited (-1) 1 second ago\"}");
        assertThat(InspectMapper.listedExitCode(exited)).hasValue(143);
        assertThat(InspectMapper.listedExitCode(running)).isEmpty();
        assertThat(InspectMapper.listedExitCode(negative)).hasValue(-1);
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(EngineKind.class)
    void statesMatchTheFullListingOnEachRealEngine(EngineKind kind) throws Exception {
        try (TestEngine real = TestEngine.start(kind); DockerEngine engine = new DockerEngine(real.socketUri())) {
            real.runContainer("s-running", Map.of("lifeline.stack", "s"));
            real.runContainer("s-crashed", Map.of(), "sh", "-c", "exit 3");
            real.runContainer("s-stopped", Map.of());
            real.cli("stop", "-t", "5", "s-stopped");
            real.cli("create", "--name", "s-created", "--network", "none", real.busyboxImage(), "true");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    engine.inspect("s-crashed").orElseThrow().status() == ContainerStatus.EXITED);

            Map<String, ContainerInfo> full = byName(engine.listContainers());
            Map<String, ContainerInfo> states = byName(engine.listContainerStates());
            assertThat(states.keySet()).isEqualTo(full.keySet());
            for (String name : List.of("s-running", "s-crashed", "s-stopped", "s-created")) {
                assertThat(states.get(name).status()).as(name).isEqualTo(full.get(name).status());
                assertThat(states.get(name).labels()).as(name).isEqualTo(full.get(name).labels());
                if (!full.get(name).isUp()) {
                    assertThat(states.get(name).exitCode()).as(name).isEqualTo(full.get(name).exitCode());
                }
            }
            assertThat(states.get("s-crashed").exitCode()).isEqualTo(3);
            assertThat(states.get("s-stopped").exitCode()).isEqualTo(143);
        }
    }

    private static Map<String, ContainerInfo> byName(List<ContainerInfo> containers) {
        return containers.stream().collect(Collectors.toMap(ContainerInfo::name, Function.identity()));
    }
}
