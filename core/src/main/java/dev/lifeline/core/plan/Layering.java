package dev.lifeline.core.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Orders the nodes of a dependency graph into levels: every node comes after all its dependencies, a node's level is
 * the length of its longest dependency path, and the nodes of a level are sorted by the comparator.
 *
 * <p>Cycles are broken deterministically: inside each strongly connected component, the dependencies on nodes that
 * come later in comparator order are set aside, then restored one by one (in comparator order of the dependent, then
 * of the dependency) unless restoring one would close a cycle again; those are ignored and reported. The result depends only on the graph and the comparator, never on the
 * iteration order of the collections passed in. The comparator must be a total order on the nodes (no two distinct
 * nodes compare equal). Dependencies on nodes outside {@code nodes} are ignored: the caller reports them.
 */
public final class Layering {
    private Layering() {}

    /** A dependency: {@code dependent} must come after {@code dependency}. */
    public record Edge<N>(N dependent, N dependency) {}

    /**
     * A cycle that was broken.
     *
     * @param path    a shortest cycle through the component's first node, first node repeated at the end
     * @param members every node of the strongly connected component, in comparator order
     * @param ignored the dependencies ignored to break it
     */
    public record Cycle<N>(List<N> path, List<N> members, List<Edge<N>> ignored) {
        public Cycle {
            path = List.copyOf(path);
            members = List.copyOf(members);
            ignored = List.copyOf(ignored);
        }

        /** E.g. {@code cycle a -> b -> a broken: ignored a's dependency on b}. */
        public String describe(Function<? super N, String> name) {
            return "cycle " + path.stream().map(name).collect(Collectors.joining(" -> ")) + " broken: ignored "
                    + ignored.stream().map(e -> name.apply(e.dependent()) + "'s dependency on "
                            + name.apply(e.dependency())).collect(Collectors.joining(", "));
        }

        public String describe() {
            return describe(String::valueOf);
        }
    }

    /** The levels, first level first, and the cycles that had to be broken (in comparator order of first node). */
    public record Result<N>(List<List<N>> levels, List<Cycle<N>> cycles) {
        public Result {
            levels = levels.stream().map(List::copyOf).toList();
            cycles = List.copyOf(cycles);
        }

        public List<N> flattened() {
            return levels.stream().flatMap(List::stream).toList();
        }

        public List<Edge<N>> ignoredEdges() {
            return cycles.stream().flatMap(c -> c.ignored().stream()).toList();
        }

        public List<String> cycleNotes(Function<? super N, String> name) {
            return cycles.stream().map(c -> c.describe(name)).toList();
        }
    }

    public static <N> Result<N> layers(Collection<N> nodes, Map<N, ? extends Collection<N>> dependencies,
            Comparator<? super N> order) {
        TreeSet<N> unique = new TreeSet<>(order);
        unique.addAll(nodes);
        List<N> sorted = new ArrayList<>(unique);
        if (sorted.size() != nodes.stream().distinct().count()) {
            throw new IllegalArgumentException("the comparator ties distinct nodes; it must be a total order");
        }
        int n = sorted.size();
        Map<N, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(sorted.get(i), i);
        }
        int[][] deps = new int[n][];
        for (int i = 0; i < n; i++) {
            Collection<N> declared = dependencies.get(sorted.get(i));
            deps[i] = declared == null ? new int[0]
                    : declared.stream().map(index::get).filter(Objects::nonNull).mapToInt(Integer::intValue)
                            .distinct().sorted().toArray();
        }

        int[] component = StronglyConnected.components(deps);
        Map<Integer, List<Integer>> members = new HashMap<>();
        for (int i = 0; i < n; i++) {
            members.computeIfAbsent(component[i], k -> new ArrayList<>()).add(i);
        }

        // Keep a dependency unless it is inside a component and points to a node later in order (or to itself).
        List<Cycle<N>> cycles = new ArrayList<>();
        boolean[] brokenComponent = new boolean[n];
        int[][] kept = new int[n][];
        for (int i = 0; i < n; i++) {
            final int node = i;
            kept[i] = Arrays.stream(deps[i]).filter(d -> component[d] != component[node] || d < node).toArray();
        }
        for (int i = 0; i < n; i++) {
            int c = component[i];
            final int node = i;
            boolean cyclic = members.get(c).size() > 1 || Arrays.stream(deps[i]).anyMatch(d -> d == node);
            if (!cyclic || brokenComponent[c]) {
                continue;
            }
            brokenComponent[c] = true;
            List<Integer> memberList = members.get(c); // ascending, since filled in index order
            List<Edge<N>> ignored = new ArrayList<>();
            for (int m : memberList) {
                for (int d : deps[m]) {
                    if (component[d] != c || d < m) {
                        continue;
                    }
                    // Restore the dependency when it no longer closes a cycle: ignore as few as needed.
                    if (d != m && !reaches(d, m, kept, component)) {
                        kept[m] = append(kept[m], d);
                    } else {
                        ignored.add(new Edge<>(sorted.get(m), sorted.get(d)));
                    }
                }
            }
            List<N> path = shortestCycle(memberList.getFirst(), deps, component).stream().map(sorted::get).toList();
            cycles.add(new Cycle<>(path, memberList.stream().map(sorted::get).toList(), ignored));
        }

        int[] level = longestPathLevels(kept);
        int levels = Arrays.stream(level).max().orElse(-1) + 1;
        List<List<N>> result = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            result.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            result.get(level[i]).add(sorted.get(i)); // index order is comparator order
        }
        return new Result<>(result, cycles);
    }

    /** Whether {@code target} is reachable from {@code from} along {@code deps}, staying in from's component. */
    private static boolean reaches(int from, int target, int[][] deps, int[] component) {
        boolean[] seen = new boolean[deps.length];
        Deque<Integer> todo = new ArrayDeque<>();
        todo.push(from);
        seen[from] = true;
        while (!todo.isEmpty()) {
            int node = todo.pop();
            if (node == target) {
                return true;
            }
            for (int d : deps[node]) {
                if (!seen[d] && component[d] == component[from]) {
                    seen[d] = true;
                    todo.push(d);
                }
            }
        }
        return false;
    }

    private static int[] append(int[] values, int value) {
        int[] longer = Arrays.copyOf(values, values.length + 1);
        longer[values.length] = value;
        return longer;
    }

    /** Level of each node in the acyclic graph {@code deps}: 0 without dependencies, else 1 + the deepest one. */
    private static int[] longestPathLevels(int[][] deps) {
        int n = deps.length;
        List<List<Integer>> dependents = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            dependents.add(new ArrayList<>());
        }
        int[] waiting = new int[n];
        for (int i = 0; i < n; i++) {
            waiting[i] = deps[i].length;
            for (int d : deps[i]) {
                dependents.get(d).add(i);
            }
        }
        int[] level = new int[n];
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        int done = 0;
        while (!ready.isEmpty()) {
            int node = ready.poll();
            done++;
            for (int dependent : dependents.get(node)) {
                level[dependent] = Math.max(level[dependent], level[node] + 1);
                if (--waiting[dependent] == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (done != n) {
            throw new IllegalStateException("cycle left after breaking cycles: this is a bug");
        }
        return level;
    }

    /** Shortest path from {@code start} back to itself inside its component, by breadth-first search. */
    private static List<Integer> shortestCycle(int start, int[][] deps, int[] component) {
        Map<Integer, Integer> previous = new HashMap<>();
        Deque<Integer> queue = new ArrayDeque<>();
        queue.add(start);
        while (!queue.isEmpty()) {
            int node = queue.poll();
            for (int d : deps[node]) {
                if (component[d] != component[start]) {
                    continue;
                }
                if (d == start) {
                    return pathBack(start, node, previous);
                }
                if (!previous.containsKey(d)) {
                    previous.put(d, node);
                    queue.add(d);
                }
            }
        }
        throw new IllegalStateException("no cycle through a node of a cyclic component: this is a bug");
    }

    private static List<Integer> pathBack(int start, int last, Map<Integer, Integer> previous) {
        Deque<Integer> reversed = new ArrayDeque<>();
        reversed.push(start);
        for (int at = last; at != start; at = previous.get(at)) {
            reversed.push(at);
        }
        reversed.push(start);
        return new ArrayList<>(reversed);
    }
}
