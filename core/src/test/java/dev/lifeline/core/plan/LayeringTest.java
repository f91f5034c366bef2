package dev.lifeline.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LayeringTest {

    /** A random graph over nodes n0..n(size-1); acyclic when edges only point to lower-numbered nodes. */
    private static Map<String, Set<String>> randomGraph(int size, long seed, boolean acyclic, int edgesPerNode) {
        Random random = new Random(seed);
        Map<String, Set<String>> graph = new HashMap<>();
        for (int i = 0; i < size; i++) {
            Set<String> deps = new HashSet<>();
            int count = random.nextInt(edgesPerNode + 1);
            for (int e = 0; e < count; e++) {
                if (acyclic) {
                    if (i > 0) {
                        deps.add("n" + random.nextInt(i));
                    }
                } else {
                    deps.add("n" + random.nextInt(size));
                }
            }
            if (random.nextInt(8) == 0) {
                deps.add("outside" + i); // dependencies outside the node set are ignored
            }
            graph.put("n" + i, deps);
        }
        return graph;
    }

    private static List<String> nodes(int size) {
        return IntStream.range(0, size).mapToObj(i -> "n" + i).toList();
    }

    private static Map<String, Integer> levelOf(Layering.Result<String> result) {
        Map<String, Integer> level = new HashMap<>();
        for (int l = 0; l < result.levels().size(); l++) {
            for (String node : result.levels().get(l)) {
                level.put(node, l);
            }
        }
        return level;
    }

    /** The same graph, its nodes and dependency lists in another iteration order. */
    private static Map<String, List<String>> shuffled(Map<String, Set<String>> graph, Random random) {
        List<String> keys = new ArrayList<>(graph.keySet());
        Collections.shuffle(keys, random);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        for (String key : keys) {
            List<String> deps = new ArrayList<>(graph.get(key));
            Collections.shuffle(deps, random);
            copy.put(key, deps);
        }
        return copy;
    }

    @Property
    void inADagEveryDependencyIsOnAnEarlierLevel(@ForAll @IntRange(min = 0, max = 40) int size,
            @ForAll long seed) {
        var graph = randomGraph(size, seed, true, 4);
        var result = Layering.layers(nodes(size), graph, Comparator.naturalOrder());
        Map<String, Integer> level = levelOf(result);
        assertThat(result.cycles()).isEmpty();
        graph.forEach((node, deps) -> deps.stream().filter(level::containsKey)
                .forEach(dep -> assertThat(level.get(dep)).isLessThan(level.get(node))));
    }

    @Property
    void aNodesLevelIsItsLongestDependencyPath(@ForAll @IntRange(min = 1, max = 30) int size, @ForAll long seed) {
        var graph = randomGraph(size, seed, true, 3);
        Map<String, Integer> level = levelOf(Layering.layers(nodes(size), graph, Comparator.naturalOrder()));
        level.forEach((node, l) -> {
            int expected = graph.get(node).stream().filter(level::containsKey).mapToInt(d -> level.get(d) + 1)
                    .max().orElse(0);
            assertThat(l).isEqualTo(expected);
        });
    }

    @Property
    void everyNodeAppearsExactlyOnceEvenWithCycles(@ForAll @IntRange(min = 0, max = 40) int size,
            @ForAll long seed) {
        var graph = randomGraph(size, seed, false, 3);
        var result = Layering.layers(nodes(size), graph, Comparator.naturalOrder());
        assertThat(result.flattened()).containsExactlyInAnyOrderElementsOf(nodes(size));
        assertThat(result.levels()).allSatisfy(level -> assertThat(level).isSortedAccordingTo(
                Comparator.<String>naturalOrder()).isNotEmpty());
    }

    @Property
    void everyDependencyNotIgnoredToBreakACycleIsRespected(@ForAll @IntRange(min = 0, max = 40) int size,
            @ForAll long seed) {
        var graph = randomGraph(size, seed, false, 3);
        var result = Layering.layers(nodes(size), graph, Comparator.naturalOrder());
        Map<String, Integer> level = levelOf(result);
        Set<Layering.Edge<String>> ignored = new HashSet<>(result.ignoredEdges());
        graph.forEach((node, deps) -> deps.stream().filter(level::containsKey)
                .filter(dep -> !ignored.contains(new Layering.Edge<>(node, dep)))
                .forEach(dep -> assertThat(level.get(dep)).isLessThan(level.get(node))));
        assertThat(ignored).allSatisfy(e -> assertThat(graph.get(e.dependent())).contains(e.dependency()));
    }

    @Property
    void theResultDoesNotDependOnInputIterationOrder(@ForAll @IntRange(min = 0, max = 30) int size,
            @ForAll long seed, @ForAll boolean acyclic) {
        var graph = randomGraph(size, seed, acyclic, 3);
        var expected = Layering.layers(nodes(size), graph, Comparator.naturalOrder());
        Random random = new Random(seed);
        for (int i = 0; i < 5; i++) {
            List<String> nodes = new ArrayList<>(nodes(size));
            Collections.shuffle(nodes, random);
            assertThat(Layering.layers(nodes, shuffled(graph, random), Comparator.naturalOrder()))
                    .isEqualTo(expected);
        }
    }

    @Test
    void dependentsStartAfterTheirDependencies() {
        var result = Layering.layers(List.of("web", "db", "cache", "proxy"),
                Map.of("web", Set.of("db", "cache"), "proxy", Set.of("web")), Comparator.naturalOrder());
        assertThat(result.levels()).containsExactly(List.of("cache", "db"), List.of("web"), List.of("proxy"));
    }

    @Test
    void aTwoNodeCycleIgnoresTheDependencyOnTheLaterNode() {
        var result = Layering.layers(List.of("b", "a"), Map.of("a", Set.of("b"), "b", Set.of("a")),
                Comparator.naturalOrder());
        assertThat(result.levels()).containsExactly(List.of("a"), List.of("b"));
        assertThat(result.cycleNotes(s -> s)).containsExactly("cycle a -> b -> a broken: ignored a's dependency on b");
    }

    @Test
    void aLongerCycleIsDescribedByItsPath() {
        var result = Layering.layers(List.of("a", "b", "c"),
                Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a")), Comparator.naturalOrder());
        assertThat(result.levels()).containsExactly(List.of("b"), List.of("a"), List.of("c"));
        assertThat(result.cycleNotes(s -> s))
                .containsExactly("cycle a -> b -> c -> a broken: ignored b's dependency on c");
    }

    @Test
    void onlyTheDependenciesThatCloseACycleAreIgnored() {
        var chain = Layering.layers(List.of("a", "b", "c", "d"),
                Map.of("a", Set.of("d"), "b", Set.of("a"), "c", Set.of("b"), "d", Set.of("c")),
                Comparator.naturalOrder());
        assertThat(chain.ignoredEdges()).containsExactly(new Layering.Edge<>("a", "d"));
        assertThat(chain.levels()).containsExactly(List.of("a"), List.of("b"), List.of("c"), List.of("d"));
    }

    @Test
    void aNodeDependingOnItselfIsACycle() {
        var result = Layering.layers(List.of("a"), Map.of("a", Set.of("a")), Comparator.naturalOrder());
        assertThat(result.levels()).containsExactly(List.of("a"));
        assertThat(result.cycleNotes(s -> s)).containsExactly("cycle a -> a broken: ignored a's dependency on a");
    }

    @Test
    void theComparatorDecidesWhichDependencyOfACycleIsIgnored() {
        var result = Layering.layers(List.of("a", "b"), Map.of("a", Set.of("b"), "b", Set.of("a")),
                Comparator.<String>reverseOrder());
        assertThat(result.levels()).containsExactly(List.of("b"), List.of("a"));
        assertThat(result.cycleNotes(s -> s)).containsExactly("cycle b -> a -> b broken: ignored b's dependency on a");
    }

    @Test
    void aComparatorThatTiesDistinctNodesIsRejected() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> Layering.layers(
                List.of("a", "bb", "cc"), Map.of(), Comparator.comparingInt(String::length)));
    }

    @Test
    void aLongChainDoesNotOverflowTheStack() {
        int size = 50_000;
        Map<String, Set<String>> chain = new HashMap<>();
        for (int i = 1; i < size; i++) {
            chain.put("n" + i, Set.of("n" + (i - 1)));
        }
        chain.put("n0", Set.of("n" + (size - 1)));
        var result = Layering.layers(nodes(size), chain, Comparator.comparingInt(s -> Integer.parseInt(s.substring(1))));
        assertThat(result.levels()).hasSize(size);
        assertThat(result.cycles()).singleElement().satisfies(c -> assertThat(c.members()).hasSize(size));
    }
}
