package dev.lifeline.core.plan;

import java.util.Arrays;

/** Tarjan's strongly connected components, iterative so deep graphs cannot overflow the stack. */
final class StronglyConnected {
    private StronglyConnected() {}

    /**
     * The component of each node of the graph {@code edges} (node i has edges to {@code edges[i]}). Two nodes get
     * the same number exactly when each can reach the other. Visiting nodes and edges in index order makes the
     * numbering itself deterministic.
     */
    static int[] components(int[][] edges) {
        int n = edges.length;
        int[] index = new int[n];
        int[] low = new int[n];
        int[] component = new int[n];
        boolean[] onStack = new boolean[n];
        Arrays.fill(index, -1);
        int[] stack = new int[n];
        int stackSize = 0;
        int[] callNode = new int[n];
        int[] callEdge = new int[n];
        int nextIndex = 0;
        int nextComponent = 0;

        for (int root = 0; root < n; root++) {
            if (index[root] != -1) {
                continue;
            }
            int depth = 0;
            callNode[0] = root;
            callEdge[0] = 0;
            index[root] = low[root] = nextIndex++;
            stack[stackSize++] = root;
            onStack[root] = true;
            while (depth >= 0) {
                int node = callNode[depth];
                if (callEdge[depth] < edges[node].length) {
                    int next = edges[node][callEdge[depth]++];
                    if (index[next] == -1) {
                        index[next] = low[next] = nextIndex++;
                        stack[stackSize++] = next;
                        onStack[next] = true;
                        depth++;
                        callNode[depth] = next;
                        callEdge[depth] = 0;
                    } else if (onStack[next]) {
                        low[node] = Math.min(low[node], index[next]);
                    }
                    continue;
                }
                if (low[node] == index[node]) {
                    int member;
                    do {
                        member = stack[--stackSize];
                        onStack[member] = false;
                        component[member] = nextComponent;
                    } while (member != node);
                    nextComponent++;
                }
                depth--;
                if (depth >= 0) {
                    int parent = callNode[depth];
                    low[parent] = Math.min(low[parent], low[node]);
                }
            }
        }
        return component;
    }
}
