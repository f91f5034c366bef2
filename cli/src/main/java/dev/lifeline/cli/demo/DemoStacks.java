package dev.lifeline.cli.demo;

import dev.lifeline.testkit.engine.TestEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The demo's stacks: a small home server with a proxy, a database, an app on it, a web front, and two others. */
final class DemoStacks {
    private DemoStacks() {}

    /** Container name to its labels; containers are created (and all but one started) in this order. */
    static Map<String, Map<String, String>> containers() {
        Map<String, Map<String, String>> c = new LinkedHashMap<>();
        c.put("proxy", Map.of("lifeline.protected", "true", "lifeline.tier", "0"));
        c.put("db", Map.of("lifeline.stack", "db", "lifeline.tier", "1"));
        c.put("app-api", Map.of("lifeline.stack", "app", "lifeline.depends-on", "db", "lifeline.tier", "2"));
        c.put("app-worker", Map.of("lifeline.stack", "app", "lifeline.depends-on", "db", "lifeline.tier", "2"));
        c.put("web", Map.of("lifeline.stack", "web", "lifeline.depends-on", "app", "lifeline.tier", "3"));
        c.put("notes", Map.of("lifeline.stack", "notes", "lifeline.tier", "2"));
        c.put("scratch", Map.of("lifeline.stack", "scratch"));
        return c;
    }

    /** Never started: Lifeline never saw it running, so recovery leaves it alone. */
    static final String NEVER_STARTED = "scratch";

    /** The stack the demo stops through Lifeline before the crash. */
    static final String USER_STOPPED = "notes";

    static void create(TestEngine engine) {
        String image = engine.busyboxImage();
        containers().forEach((name, labels) -> {
            List<String> args = new java.util.ArrayList<>(List.of("create", "--name", name, "--network", "none"));
            labels.forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
            args.add(image);
            args.addAll(TestEngine.IDLE_COMMAND);
            engine.cli(args.toArray(String[]::new));
            if (!name.equals(NEVER_STARTED)) {
                engine.cli("start", name);
            }
        });
    }
}
