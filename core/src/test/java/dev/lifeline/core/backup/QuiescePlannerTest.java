package dev.lifeline.core.backup;

import static dev.lifeline.core.support.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Health;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.model.StackPolicy;
import dev.lifeline.core.model.StackSource;
import dev.lifeline.core.policy.Labels;
import dev.lifeline.core.policy.QuiesceMode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class QuiescePlannerTest {

    private static Stack stack(String name, List<ContainerInfo> containers, boolean protectedStack, int tier,
            String... dependsOn) {
        Set<StackName> deps = Arrays.stream(dependsOn).map(StackName::of).collect(Collectors.toSet());
        return new Stack(StackName.of(name), StackSource.LABEL, containers, new StackPolicy(protectedStack, tier, deps),
                Map.of(), List.of());
    }

    private static Stack stack(String name, String... dependsOn) {
        return stack(name, List.of(container(name + "-1")), false, 0, dependsOn);
    }

    private static ContainerInfo stopped(String name) {
        return new ContainerInfo("id-" + name, name, "image", Map.of(), ContainerStatus.EXITED, Health.NONE,
                Optional.empty(), Optional.empty(), 0, false, "no");
    }

    private static Set<StackName> names(String... names) {
        return Arrays.stream(names).map(StackName::of).collect(Collectors.toSet());
    }

    private static List<String> order(List<QuiesceTarget> targets) {
        return targets.stream().map(t -> t.stack().value()).toList();
    }

    @Test
    void dependentsAreQuiescedBeforeTheirDependenciesAndResumedAfter() {
        QuiescePlan plan = QuiescePlanner.plan(names("db", "app", "proxy"),
                List.of(stack("proxy", "app"), stack("db"), stack("app", "db")));
        assertThat(order(plan.quiesceOrder())).containsExactly("proxy", "app", "db");
        assertThat(order(plan.resumeOrder())).containsExactly("db", "app", "proxy");
    }

    @Test
    void aDependencyThroughAStackNotSelectedStillOrdersTheSelectedOnes() {
        QuiescePlan plan = QuiescePlanner.plan(names("a", "c"),
                List.of(stack("a", "b"), stack("b", "c"), stack("c")));
        assertThat(order(plan.quiesceOrder())).containsExactly("a", "c");
        assertThat(plan.excluded()).extracting(Exclusion::stack, Exclusion::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StackName.of("b"),
                        Exclusion.Reason.NOT_SELECTED));
    }

    @Test
    void higherTiersAreQuiescedFirst() {
        QuiescePlan plan = QuiescePlanner.plan(names("dns", "apps"), List.of(
                stack("dns", List.of(container("dns-1")), false, -5),
                stack("apps", List.of(container("apps-1")), false, 10)));
        assertThat(order(plan.quiesceOrder())).containsExactly("apps", "dns");
    }

    @Test
    void protectedStoppedUnknownAndUnselectedStacksAreExcludedWithTheirReason() {
        QuiescePlan plan = QuiescePlanner.plan(names("vault", "old", "ghost", "app"), List.of(
                stack("vault", List.of(container("vault-1")), true, 0),
                stack("old", List.of(stopped("old-1")), false, 0),
                stack("app"), stack("other")));
        assertThat(order(plan.quiesceOrder())).containsExactly("app");
        assertThat(plan.excluded()).extracting(e -> e.stack().value() + ":" + e.reason()).containsExactly(
                "ghost:NOT_FOUND", "old:NOT_RUNNING", "other:NOT_SELECTED", "vault:PROTECTED");
    }

    @Test
    void onlyTheRunningContainersOfAPartlyRunningStackAreQuiescedSoStoppedOnesAreNeverRestarted() {
        QuiescePlan plan = QuiescePlanner.plan(names("app"),
                List.of(stack("app", List.of(container("app-web"), stopped("app-worker")), false, 0)));
        assertThat(plan.quiesceOrder().getFirst().containers()).containsExactly("app-web");
    }

    @Test
    void theStacksModeIsTheMostConservativeOfItsContainers() {
        assertThat(QuiescePlanner.merge(List.of(QuiesceMode.NONE, QuiesceMode.PAUSE))).isEqualTo(QuiesceMode.PAUSE);
        assertThat(QuiescePlanner.merge(List.of(QuiesceMode.PAUSE, QuiesceMode.HOOK))).isEqualTo(QuiesceMode.HOOK);
        assertThat(QuiescePlanner.merge(List.of(QuiesceMode.HOOK, QuiesceMode.STOP, QuiesceMode.NONE)))
                .isEqualTo(QuiesceMode.STOP);
        assertThat(QuiescePlanner.merge(List.of())).isEqualTo(QuiesceMode.NONE);

        QuiescePlan plan = QuiescePlanner.plan(names("app"), List.of(stack("app", List.of(
                container("app-cache", Labels.QUIESCE, "none"),
                container("app-db", Labels.QUIESCE, "hook", Labels.QUIESCE_PRE, "db-flush"),
                container("app-web", Labels.QUIESCE, "pause")), false, 0)));
        assertThat(plan.quiesceOrder().getFirst().mode()).isEqualTo(QuiesceMode.HOOK);
    }

    @Test
    void aStackWithoutQuiesceLabelsIsStopped() {
        QuiescePlan plan = QuiescePlanner.plan(names("app"), List.of(stack("app")));
        assertThat(plan.quiesceOrder().getFirst().mode()).isEqualTo(QuiesceMode.STOP);
    }

    @Test
    void hooksBecomeArgumentListsPerContainerWithQuotesHonoured() {
        QuiescePlan plan = QuiescePlanner.plan(names("app"), List.of(stack("app", List.of(
                container("app-db", Labels.QUIESCE, "hook",
                        Labels.QUIESCE_PRE, "psql -c 'SELECT pg_backup_start(''x'')' --quiet",
                        Labels.QUIESCE_POST, "sh -c \"echo \\\"done\\\" > /tmp/out\"")), false, 0)));
        QuiesceTarget target = plan.quiesceOrder().getFirst();
        assertThat(target.preHooks()).containsExactly(
                new Hook("app-db", List.of("psql", "-c", "SELECT pg_backup_start(x)", "--quiet")));
        assertThat(target.postHooks()).containsExactly(
                new Hook("app-db", List.of("sh", "-c", "echo \"done\" > /tmp/out")));
        assertThat(plan.problems()).isEmpty();
    }

    @Test
    void aMalformedHookIsReportedNotRunAndTheContainerFallsBackToStop() {
        QuiescePlan plan = QuiescePlanner.plan(names("app"), List.of(stack("app", List.of(
                container("app-db", Labels.QUIESCE, "hook", Labels.QUIESCE_PRE, "flush 'unterminated",
                        Labels.QUIESCE_POST, "unlock")), false, 0)));
        QuiesceTarget target = plan.quiesceOrder().getFirst();
        assertThat(target.mode()).isEqualTo(QuiesceMode.STOP);
        assertThat(target.preHooks()).isEmpty();
        assertThat(target.postHooks()).containsExactly(new Hook("app-db", List.of("unlock")));
        assertThat(plan.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo(Labels.QUIESCE_PRE);
            assertThat(p.message()).contains("single quote at position 7 is not closed", "stop instead");
        });
    }

    @Test
    void aHookWrittenForAShellIsMalformed() {
        QuiescePlan plan = QuiescePlanner.plan(names("app"), List.of(stack("app", List.of(
                container("app-db", Labels.QUIESCE, "pause", Labels.QUIESCE_PRE, "sync && echo ok")), false, 0)));
        assertThat(plan.quiesceOrder().getFirst().mode()).isEqualTo(QuiesceMode.STOP);
        assertThat(plan.problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("unquoted '&&' needs a shell"));
    }

    @Test
    void prepareHooksAreArgumentListsPlannedForEveryModeInContainerOrder() {
        QuiescePlan plan = QuiescePlanner.plan(names("app"), List.of(stack("app", List.of(
                container("app-db", Labels.QUIESCE_PREPARE, "psql -X -q -U postgres -c CHECKPOINT"),
                container("app-web", Labels.QUIESCE, "pause", Labels.QUIESCE_PREPARE, "sh -c 'sync; echo ok'")),
                false, 0)));
        QuiesceTarget target = plan.quiesceOrder().getFirst();
        assertThat(target.mode()).isEqualTo(QuiesceMode.STOP);
        assertThat(target.prepareHooks()).containsExactly(
                new Hook("app-db", List.of("psql", "-X", "-q", "-U", "postgres", "-c", "CHECKPOINT")),
                new Hook("app-web", List.of("sh", "-c", "sync; echo ok")));
        assertThat(target.preHooks()).isEmpty();
        assertThat(plan.problems()).isEmpty();
    }

    @Test
    void aMalformedPrepareHookIsReportedAndDroppedAndTheModeStays() {
        QuiescePlan plan = QuiescePlanner.plan(names("app"), List.of(stack("app", List.of(
                container("app-db", Labels.QUIESCE, "pause", Labels.QUIESCE_PREPARE, "checkpoint && sync")),
                false, 0)));
        QuiesceTarget target = plan.quiesceOrder().getFirst();
        assertThat(target.mode()).isEqualTo(QuiesceMode.PAUSE);
        assertThat(target.prepareHooks()).isEmpty();
        assertThat(plan.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo(Labels.QUIESCE_PREPARE);
            assertThat(p.message()).contains("unquoted '&&' needs a shell", "the hook is not run")
                    .doesNotContain("stop instead");
        });
    }

    @Test
    void anInvalidQuiesceLabelIsReportedAndStops() {
        QuiescePlan plan = QuiescePlanner.plan(names("app"),
                List.of(stack("app", List.of(container("app-1", Labels.QUIESCE, "freeze")), false, 0)));
        assertThat(plan.quiesceOrder().getFirst().mode()).isEqualTo(QuiesceMode.STOP);
        assertThat(plan.problems()).extracting(p -> p.key()).containsExactly(Labels.QUIESCE);
    }
}
