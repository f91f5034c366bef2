package dev.lifeline.core.policy;

import static dev.lifeline.core.support.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.engine.ComposeFiles;
import dev.lifeline.core.engine.ComposeProject;
import dev.lifeline.core.engine.ScratchContainer;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.LabelProblem;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.model.StackSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StackAssemblerTest {
    private final StackAssembler assembler = new StackAssembler(ComposeFiles.NONE);

    private static Stack only(StackAssembler.Assembly assembly, String name) {
        return assembly.stacks().stream().filter(s -> s.name().value().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theLifelineStackLabelWinsOverTheComposeProject() {
        var assembly = assembler.assemble(List.of(
                container("a", Labels.STACK, "media", Labels.COMPOSE_PROJECT, "proj")));
        assertThat(assembly.stacks()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo(StackName.of("media"));
            assertThat(s.source()).isEqualTo(StackSource.LABEL);
        });
    }

    @Test
    void theComposeProjectGroupsContainersWithoutAStackLabel() {
        var assembly = assembler.assemble(List.of(
                container("proj-web-1", Labels.COMPOSE_PROJECT, "proj"),
                container("proj-db-1", Labels.COMPOSE_PROJECT, "proj")));
        assertThat(assembly.stacks()).singleElement().satisfies(s -> {
            assertThat(s.name().value()).isEqualTo("proj");
            assertThat(s.source()).isEqualTo(StackSource.COMPOSE);
            assertThat(s.containers()).extracting(ContainerInfo::name).containsExactly("proj-db-1", "proj-web-1");
        });
    }

    @Test
    void aLoneContainerIsItsOwnStack() {
        var assembly = assembler.assemble(List.of(container("pihole")));
        assertThat(assembly.stacks()).singleElement().satisfies(s -> {
            assertThat(s.name().value()).isEqualTo("pihole");
            assertThat(s.source()).isEqualTo(StackSource.CONTAINER);
        });
    }

    @Test
    void scratchContainersBelongToNoStackEvenWithAStackLabel() {
        var assembly = assembler.assemble(List.of(
                container("lifeline-scratch-0123abcd", ScratchContainer.LABEL, "true"),
                container("lifeline-scratch-4567", ScratchContainer.LABEL, "true", Labels.STACK, "media"),
                container("web", Labels.STACK, "media")));
        assertThat(assembly.stacks()).singleElement().satisfies(s -> {
            assertThat(s.name().value()).isEqualTo("media");
            assertThat(s.containers()).extracting(ContainerInfo::name).containsExactly("web");
        });
        assertThat(assembly.problems()).isEmpty();
    }

    @Test
    void anInvalidStackLabelIsReportedAndFallsBackToTheComposeProject() {
        var assembly = assembler.assemble(List.of(
                container("a", Labels.STACK, "bad name!", Labels.COMPOSE_PROJECT, "proj")));
        assertThat(assembly.stacks()).singleElement().extracting(Stack::name).isEqualTo(StackName.of("proj"));
        assertThat(assembly.problems()).singleElement().satisfies(p -> {
            assertThat(p.container()).isEqualTo("a");
            assertThat(p.key()).isEqualTo(Labels.STACK);
            assertThat(p.value()).isEqualTo("bad name!");
        });
    }

    @Test
    void invalidStackLabelAndComposeProjectFallBackToTheContainerName() {
        var assembly = assembler.assemble(List.of(
                container("a", Labels.STACK, "-x", Labels.COMPOSE_PROJECT, "_y")));
        assertThat(assembly.stacks()).singleElement().satisfies(s -> {
            assertThat(s.name().value()).isEqualTo("a");
            assertThat(s.source()).isEqualTo(StackSource.CONTAINER);
        });
        assertThat(assembly.problems()).extracting(LabelProblem::key)
                .containsExactly(Labels.STACK, Labels.COMPOSE_PROJECT);
    }

    @Test
    void containerNamesThatAreNotStackNamesAreSanitizedDeterministically() {
        assertThat(StackAssembler.sanitize("/my container")).isEqualTo("my-container");
        assertThat(StackAssembler.sanitize("__odd/név")).isEqualTo("odd-n-v");
        assertThat(StackAssembler.sanitize("x".repeat(200))).hasSize(128);
        var assembly = assembler.assemble(List.of(container("/web app")));
        assertThat(assembly.stacks()).singleElement().extracting(s -> s.name().value()).isEqualTo("web-app");
        var nameless = assembler.assemble(List.of(container("///")));
        assertThat(nameless.stacks()).singleElement().extracting(s -> s.name().value()).isEqualTo("container-id----");
    }

    @Test
    void stackPolicyIsProtectedIfAnyContainerIsTheLowestTierAndTheUnionOfDependencies() {
        var assembly = assembler.assemble(List.of(
                container("a", Labels.STACK, "s", Labels.TIER, "5", Labels.DEPENDS_ON, "db,s"),
                container("b", Labels.STACK, "s", Labels.TIER, "-3", Labels.PROTECTED, "yes",
                        Labels.DEPENDS_ON, "cache"),
                container("c", Labels.STACK, "s")));
        Stack stack = only(assembly, "s");
        assertThat(stack.isProtected()).isTrue();
        assertThat(stack.policy().tier()).isEqualTo(-3);
        assertThat(stack.policy().dependsOn()).containsExactlyInAnyOrder(StackName.of("db"), StackName.of("cache"));
    }

    @Test
    void aStackWhoseContainersDeclareNoTierIsTierZero() {
        var assembly = assembler.assemble(List.of(container("a", Labels.TIER, "oops")));
        assertThat(assembly.stacks().getFirst().policy().tier()).isZero();
        assertThat(assembly.problems()).singleElement().extracting(LabelProblem::key).isEqualTo(Labels.TIER);
    }

    @Test
    void stacksAreSortedByNameAndContainersByNameWhateverTheInputOrder() {
        List<ContainerInfo> input = new ArrayList<>(List.of(
                container("z1", Labels.COMPOSE_PROJECT, "zeta"), container("a1", Labels.COMPOSE_PROJECT, "zeta"),
                container("m"), container("b1", Labels.STACK, "alpha"), container("b0", Labels.STACK, "alpha")));
        var expected = assembler.assemble(input);
        assertThat(expected.stacks()).extracting(s -> s.name().value()).containsExactly("alpha", "m", "zeta");
        assertThat(only(expected, "zeta").containers()).extracting(ContainerInfo::name).containsExactly("a1", "z1");
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(input, random);
            assertThat(assembler.assemble(input)).isEqualTo(expected);
        }
    }

    @Test
    void composeDependsOnLabelsMapServicesToTheirContainers() {
        var assembly = assembler.assemble(List.of(
                container("p-web-1", Labels.COMPOSE_PROJECT, "p", Labels.COMPOSE_SERVICE, "web",
                        Labels.COMPOSE_DEPENDS_ON, "db:service_healthy:false,cache:service_started:false"),
                container("p-db-1", Labels.COMPOSE_PROJECT, "p", Labels.COMPOSE_SERVICE, "db",
                        Labels.COMPOSE_DEPENDS_ON, ""),
                container("p-cache-1", Labels.COMPOSE_PROJECT, "p", Labels.COMPOSE_SERVICE, "cache"),
                container("p-cache-2", Labels.COMPOSE_PROJECT, "p", Labels.COMPOSE_SERVICE, "cache")));
        assertThat(only(assembly, "p").containerDependencies())
                .isEqualTo(Map.of("p-web-1", Set.of("p-db-1", "p-cache-1", "p-cache-2")));
    }

    @Test
    void withoutTheLabelComposeStacksReadDependenciesFromTheComposeFiles() {
        List<ComposeProject> asked = new ArrayList<>();
        StackAssembler withFiles = new StackAssembler(project -> {
            asked.add(project);
            return new ComposeFiles.Found(Map.of("app", Set.of("db"), "db", Set.of()));
        });
        var assembly = withFiles.assemble(List.of(
                container("p_app_1", Labels.COMPOSE_PROJECT, "p", Labels.COMPOSE_SERVICE, "app",
                        Labels.COMPOSE_WORKING_DIR, "/srv/p", Labels.COMPOSE_CONFIG_FILES, "a.yml, b.yml"),
                container("p_db_1", Labels.COMPOSE_PROJECT, "p", Labels.COMPOSE_SERVICE, "db")));
        assertThat(asked).containsExactly(new ComposeProject("p", "/srv/p", List.of("a.yml", "b.yml")));
        assertThat(only(assembly, "p").containerDependencies()).isEqualTo(Map.of("p_app_1", Set.of("p_db_1")));
    }

    @Test
    void anUnreadableComposeFileIsAProblemOnTheStackNotAFailure() {
        StackAssembler unreadable = new StackAssembler(p -> new ComposeFiles.Unreadable("/srv/p/compose.yml",
                "permission denied"));
        var assembly = unreadable.assemble(List.of(
                container("p_app_1", Labels.COMPOSE_PROJECT, "p", Labels.COMPOSE_SERVICE, "app")));
        Stack stack = only(assembly, "p");
        assertThat(stack.containerDependencies()).isEmpty();
        assertThat(stack.problems()).singleElement().satisfies(p -> {
            assertThat(p.value()).isEqualTo("/srv/p/compose.yml");
            assertThat(p.message()).contains("permission denied");
        });
        assertThat(assembly.problems()).isEqualTo(stack.problems());
    }

    @Test
    void composeFilesAreNotReadForStacksThatAreNotComposeProjects() {
        StackAssembler failing = new StackAssembler(p -> {
            throw new AssertionError("must not be asked");
        });
        var assembly = failing.assemble(List.of(
                container("x", Labels.STACK, "s", Labels.COMPOSE_PROJECT, "p", Labels.COMPOSE_SERVICE, "x"),
                container("lone")));
        assertThat(assembly.stacks()).hasSize(2);
    }
}
