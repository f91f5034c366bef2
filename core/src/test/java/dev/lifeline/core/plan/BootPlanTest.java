package dev.lifeline.core.plan;

import static dev.lifeline.core.support.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.model.StackPolicy;
import dev.lifeline.core.model.StackSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BootPlanTest {

    private static Stack stack(String name, int tier, String... dependsOn) {
        Set<StackName> deps = Arrays.stream(dependsOn).map(StackName::of).collect(Collectors.toSet());
        return new Stack(StackName.of(name), StackSource.LABEL, List.of(container(name + "-1")),
                new StackPolicy(false, tier, deps), Map.of(), List.of());
    }

    private static List<List<String>> names(BootPlan plan) {
        return plan.levels().stream().map(l -> l.stream().map(StackName::value).toList()).toList();
    }

    @Test
    void stacksWithoutDependenciesStartTogetherSortedByName() {
        BootPlan plan = BootPlan.plan(List.of(stack("b", 0), stack("a", 0)), Set.of());
        assertThat(names(plan)).containsExactly(List.of("a", "b"));
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void dependentsStartAfterTheirDependencies() {
        BootPlan plan = BootPlan.plan(List.of(stack("app", 0, "db"), stack("db", 0), stack("proxy", 0, "app")),
                Set.of());
        assertThat(names(plan)).containsExactly(List.of("db"), List.of("app"), List.of("proxy"));
    }

    @Test
    void aDependencyAlreadyUpIsSatisfied() {
        BootPlan plan = BootPlan.plan(List.of(stack("app", 0, "db")), Set.of(StackName.of("db")));
        assertThat(names(plan)).containsExactly(List.of("app"));
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void aDependencyNeitherUpNorToStartIsNotedAndTheStackStartsAnyway() {
        BootPlan plan = BootPlan.plan(List.of(stack("a", 0, "x")), Set.of());
        assertThat(names(plan)).containsExactly(List.of("a"));
        assertThat(plan.notes())
                .containsExactly("a depends on x, which is not running and will not be started; starting a anyway");
    }

    @Test
    void everyStackStartsAfterEveryStackOfALowerTier() {
        BootPlan plan = BootPlan.plan(List.of(stack("apps", 10), stack("dns", -5), stack("nas", 0),
                stack("zz", -5), stack("media", 10)), Set.of());
        assertThat(names(plan)).containsExactly(List.of("dns", "zz"), List.of("nas"), List.of("apps", "media"));
    }

    @Test
    void tiersAndDependenciesCombine() {
        BootPlan plan = BootPlan.plan(List.of(stack("dns", -1), stack("web", 0, "db"), stack("db", 0)), Set.of());
        assertThat(names(plan)).containsExactly(List.of("dns"), List.of("db"), List.of("web"));
    }

    @Test
    void aDependencyOnAHigherTierIsNotedAndTheTierWins() {
        BootPlan plan = BootPlan.plan(List.of(stack("a", 0, "b"), stack("b", 5)), Set.of());
        assertThat(names(plan)).containsExactly(List.of("a"), List.of("b"));
        assertThat(plan.notes()).containsExactly("a (tier 0) depends on b (tier 5); tiers come first, so b starts after a");
    }

    @Test
    void aDependencyCycleIsBrokenByNameAndNoted() {
        BootPlan plan = BootPlan.plan(List.of(stack("b", 0, "a"), stack("a", 0, "b")), Set.of());
        assertThat(names(plan)).containsExactly(List.of("a"), List.of("b"));
        assertThat(plan.notes()).containsExactly("cycle a -> b -> a broken: ignored a's dependency on b");
    }

    @Test
    void onlyStacksToStartArePlanned() {
        BootPlan plan = BootPlan.plan(List.of(stack("app", 0, "db", "cache")), Set.of(StackName.of("db")));
        assertThat(plan.order()).containsExactly(StackName.of("app"));
        assertThat(plan.notes()).singleElement().asString().startsWith("app depends on cache");
    }

    @Test
    void thePlanDoesNotDependOnTheInputOrder() {
        List<Stack> stacks = new ArrayList<>(List.of(stack("a", 0, "b", "zz"), stack("b", 0, "c"), stack("c", 0, "a"),
                stack("d", 2, "a"), stack("e", -1), stack("f", 2, "e", "x")));
        BootPlan expected = BootPlan.plan(stacks, Set.of(StackName.of("zz")));
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(stacks, random);
            assertThat(BootPlan.plan(stacks, Set.of(StackName.of("zz")))).isEqualTo(expected);
        }
    }

    @Test
    void containersStartInComposeDependencyOrderAndStopInReverse() {
        Stack stack = new Stack(StackName.of("p"), StackSource.COMPOSE,
                List.of(container("web"), container("db"), container("cache"), container("worker")),
                StackPolicy.DEFAULT,
                Map.of("web", Set.of("db", "cache"), "worker", Set.of("db")), List.of());
        ContainerOrder order = ContainerOrder.levels(stack);
        assertThat(order.levels()).containsExactly(List.of("cache", "db"), List.of("web", "worker"));
        assertThat(order.stopOrder()).containsExactly("web", "worker", "cache", "db");
        assertThat(order.notes()).isEmpty();
    }

    @Test
    void aContainerDependencyCycleIsNotedWithTheStackName() {
        Stack stack = new Stack(StackName.of("p"), StackSource.COMPOSE, List.of(container("x"), container("y")),
                StackPolicy.DEFAULT, Map.of("x", Set.of("y"), "y", Set.of("x")), List.of());
        ContainerOrder order = ContainerOrder.levels(stack);
        assertThat(order.startOrder()).containsExactly("x", "y");
        assertThat(order.notes()).containsExactly("stack p: cycle x -> y -> x broken: ignored x's dependency on y");
    }
}
