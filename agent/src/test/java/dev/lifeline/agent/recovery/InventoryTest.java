package dev.lifeline.agent.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.engine.ComposeFiles;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.StackAssembler;
import dev.lifeline.testkit.sim.FakeEngine;
import dev.lifeline.testkit.sim.SimClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pure logic over the simulated engine; the real engine's inspect is tested in DockerEngineTest. */
class InventoryTest {
    private final FakeEngine engine = new FakeEngine(new SimClock(Instant.parse("2026-11-22T08:00:00Z")));
    private final Inventory inventory = new Inventory(engine, new StackAssembler(ComposeFiles.NONE));

    @Test
    void aStackOfNamedContainersIsTheSameAsTheListingShowsRestrictedToThem() throws Exception {
        engine.add("db", Map.of("lifeline.stack", "shop"));
        engine.add("web", Map.of("lifeline.stack", "shop", "lifeline.depends-on", "auth"));
        engine.add("cache", Map.of("lifeline.stack", "shop"));
        engine.add("other", Map.of("lifeline.stack", "blog"));
        engine.alreadyRunning("db");

        Stack named = inventory.stackOf(StackName.of("shop"), List.of("db", "web", "gone")).orElseThrow();
        Stack listed = inventory.require(StackName.of("shop"));
        assertThat(named.containers()).extracting(ContainerInfo::name).containsExactlyInAnyOrder("db", "web");
        assertThat(named.policy()).isEqualTo(listed.policy());
        assertThat(named.containers().stream().filter(c -> c.name().equals("db")).findFirst().orElseThrow().isUp())
                .isTrue();
        assertThat(inventory.stackOf(StackName.of("shop"), List.of("other"))).isEmpty();
        assertThat(inventory.stackOf(StackName.of("shop"), List.of("gone"))).isEmpty();
    }
}
