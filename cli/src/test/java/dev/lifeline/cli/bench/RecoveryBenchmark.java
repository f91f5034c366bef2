package dev.lifeline.cli.bench;

import static dev.lifeline.cli.bench.BenchOutput.intArg;
import static dev.lifeline.cli.bench.BenchOutput.log;
import static dev.lifeline.cli.bench.BenchOutput.median;
import static dev.lifeline.cli.bench.BenchOutput.pathArg;
import static dev.lifeline.cli.bench.BenchOutput.yes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.agent.api.Json;
import dev.lifeline.testkit.podman.PodmanService;
import dev.lifeline.testkit.podman.ProcessResult;
import dev.lifeline.testkit.podman.Processes;
import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reboot-recovery benchmark (not a test: run it with {@code scripts/bench}).
 *
 * <p>On a private Podman engine it creates 50 idle busybox containers in 10 stacks over 4 dependency levels, then
 * measures in one run:
 * <ul>
 *   <li>the containers' own start cost: each container started alone through the engine API, nothing else running;
 *   <li>start-to-ready of the agent with nothing to recover (fresh data dir, stacks already up);
 *   <li>after each simulated reboot: the agent's time from process spawn to {@code /health/ready} 200 (recovery
 *       complete), its idle RSS 10 s later, and a naive sequential baseline ({@code podman start NAME; sleep 3}).
 * </ul>
 * Arguments: {@code --runs N} (reboot runs, default 3), {@code --ready-runs N} (default 5), {@code --baseline-pause
 * MILLIS} (default 3000), {@code --settle MILLIS} (default 500), {@code --idle SECONDS} (default 10).
 */
public final class RecoveryBenchmark {
    /** Stacks per dependency level; every stack of a level depends on every stack of the level before. */
    private static final int[] STACKS_PER_LEVEL = {2, 3, 3, 2};
    private static final int CONTAINERS_PER_STACK = 5;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final ObjectMapper json = Json.mapper();
    private final PodmanService podman;
    private final Path work;
    private final Path bootId;
    private final Path config;
    private final List<String> agentArgs;
    private final long settleMillis;
    /** Where to keep the agent's log of each reboot run, or null; {@code --logs DIR}. */
    private Path logs;
    /** Stack name to its level, in dependency order. */
    private final Map<String, Integer> stacks = new LinkedHashMap<>();
    /** Container name to its stack, in dependency order. */
    private final Map<String, String> containers = new LinkedHashMap<>();

    private RecoveryBenchmark(PodmanService podman, Path work, long settleMillis) throws IOException {
        this.podman = podman;
        this.work = work;
        this.settleMillis = settleMillis;
        this.bootId = work.resolve("boot_id");
        Files.writeString(bootId, UUID.randomUUID() + "\n");
        this.config = work.resolve("lifeline.yaml");
        Files.writeString(config, "boot-id-file: " + bootId + "\n"
                + "recovery:\n  parallelism: 4\n  settle-time: " + settleMillis + "ms\n");
        this.agentArgs = List.of("--engine", podman.socketUri().toString(), "--config", config.toString());
    }

    /**
     * The agent as users run it with {@code ./lifeline agent}: {@code java $(packaging/jvm.options)
     * $(scripts/lib/class-archive ...) -jar lifeline.jar agent} when {@code -Dlifeline.bench.jar} names the shaded
     * jar (scripts/bench does), else on the class path.
     */
    private AgentProcess launch(Path dataDir) {
        String jar = System.getProperty("lifeline.bench.jar");
        if (jar == null) {
            return AgentProcess.start(dataDir, agentArgs, Map.of());
        }
        List<String> options = new ArrayList<>(AgentProcess.shippedJvmOptions(PodmanService.findRepoRoot()));
        options.addAll(classArchiveOptions(Path.of(jar)));
        return AgentProcess.startJar(Path.of(jar), options, dataDir, agentArgs, Map.of());
    }

    /** What {@code scripts/lib/class-archive} gives the agent now (a cache to write, or one to use). */
    private List<String> classArchiveOptions(Path jar) {
        Path script = PodmanService.findRepoRoot().resolve("scripts/lib/class-archive");
        ProcessResult r = Processes.run(List.of(script.toString(), System.getProperty("java.home"), jar.toString(),
                work.resolve("agent").toString(), "agent"), Map.of(), null, Duration.ofSeconds(10));
        if (!r.ok()) {
            throw new IllegalStateException(script + " failed: " + r.stderr());
        }
        return r.stdout().lines().filter(l -> !l.isBlank()).toList();
    }

    /** One clean run so that the class archive exists, as it does on a host after the first stop. */
    private void warmUp() throws InterruptedException {
        String jar = System.getProperty("lifeline.bench.jar");
        if (jar == null) {
            return;
        }
        AgentProcess agent = launch(work.resolve("warm-up"));
        awaitReady(agent);
        agent.terminate();
        List<String> now = classArchiveOptions(Path.of(jar));
        log("warm-up run done; the agent now runs with %s", String.join(" ", now));
        if (now.stream().anyMatch(o -> o.startsWith("-XX:AOTCacheOutput="))) {
            throw new IllegalStateException("the warm-up run wrote no AOT cache");
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = intArg(args, "--runs", 3);
        int readyRuns = intArg(args, "--ready-runs", 5);
        long baselinePause = intArg(args, "--baseline-pause", 3000);
        long settle = intArg(args, "--settle", 500);
        int idleSeconds = intArg(args, "--idle", 10);
        PodmanService.requirePodman();
        try (PodmanService podman = PodmanService.start()) {
            Path work = Files.createTempDirectory("lifeline-bench-");
            RecoveryBenchmark bench = new RecoveryBenchmark(podman, work, settle);
            bench.logs = pathArg(args, "--logs");
            bench.run(runs, readyRuns, baselinePause, idleSeconds);
        }
    }

    private void run(int runs, int readyRuns, long baselinePause, int idleSeconds) throws Exception {
        long benchStart = System.nanoTime();
        log("creating %d containers in %d stacks over %d levels (settle time %d ms)", countContainers(),
                countStacks(), STACKS_PER_LEVEL.length, settleMillis);
        createStacks();
        startAllCli();
        warmUp();

        // 1. start-to-ready with nothing to recover: fresh data dir each time, stacks already up
        List<Double> startToReady = new ArrayList<>();
        for (int i = 1; i <= readyRuns; i++) {
            Path dataDir = work.resolve("fresh-" + i);
            Instant spawn = Instant.now();
            AgentProcess agent = launch(dataDir);
            double took = secondsBetween(spawn, awaitReady(agent));
            startToReady.add(took);
            agent.kill9();
            log("start-to-ready (nothing to recover) run %d: %.3f s", i, took);
        }
        requireRunning(countContainers(), "after the start-to-ready runs");

        // 2. each container's own start cost: started alone through the engine API, nothing else going on
        Map<String, List<Double>> ownStart = new LinkedHashMap<>();
        containers.keySet().forEach(c -> ownStart.put(c, new ArrayList<>()));
        List<Double> cliStart = new ArrayList<>();
        for (int pass = 1; pass <= 3; pass++) {
            stopAll();
            for (String c : containers.keySet()) {
                long t0 = System.nanoTime();
                int status = apiStart(c);
                long t1 = System.nanoTime();
                if (status / 100 != 2) {
                    throw new IllegalStateException("engine API start of " + c + " answered " + status);
                }
                ownStart.get(c).add(seconds(t1 - t0));
            }
            log("own start cost pass %d: median %.3f s per container (engine API)", pass,
                    median(ownStart.values().stream().map(l -> l.get(l.size() - 1)).toList()));
        }
        requireRunning(countContainers(), "after the own-start passes");

        // 3. the agent learns the running set
        Path dataDir = work.resolve("data");
        AgentProcess agent = launch(dataDir);
        awaitReady(agent);
        awaitRunningSet(agent);
        log("agent learned the running set (%d stacks)", countStacks());

        // 4. reboot runs: agent recovery, idle RSS, then the naive baseline after the same simulated reboot
        List<Double> agentTimes = new ArrayList<>();
        List<Double> engineTimes = new ArrayList<>();
        List<Double> preRecovery = new ArrayList<>();
        List<Double> inRecovery = new ArrayList<>();
        List<Double> rssMb = new ArrayList<>();
        List<Double> baselineTimes = new ArrayList<>();
        List<Double> idealTimes = new ArrayList<>();
        List<Double> pairedGaps = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            simulateReboot(agent);
            Instant spawn = Instant.now();
            agent = launch(dataDir);
            double took = secondsBetween(spawn, awaitReady(agent));
            double agentCpu = BenchOutput.cpuSeconds(agent.pid());
            requireRunning(countContainers(), "after agent recovery run " + i);
            JsonNode report = json.readTree(agent.get("/recovery"));
            Instant recStart = instant(report.get("startedAt"));
            Instant recEnd = instant(report.get("finishedAt"));
            Instant lastStart = lastContainerStart(json.readTree(agent.get("/stacks")), spawn);
            agentTimes.add(took);
            engineTimes.add(millisBetween(spawn, lastStart) / 1000.0 + settleMillis / 1000.0);
            preRecovery.add(millisBetween(spawn, recStart) / 1000.0);
            inRecovery.add(millisBetween(recStart, recEnd) / 1000.0);
            log("run %d: agent recovered %d containers in %.3f s (process spawn -> recovery began %.3f s, "
                    + "recovery %.3f s, agent CPU time until ready %.3f s)", i, countContainers(), took,
                    preRecovery.getLast(), inRecovery.getLast(), agentCpu);

            Thread.sleep(idleSeconds * 1000L);
            rssMb.add(rssKb(agent.pid()) / 1024.0);
            log("run %d: agent idle RSS after %d s: %.1f MB", i, idleSeconds, rssMb.getLast());
            if (logs != null) {
                Files.createDirectories(logs);
                Files.writeString(logs.resolve("recovery-run-" + i + ".log"), agent.log());
            }

            // The measured critical path, right after Lifeline's run so that both see the host at the same speed: a
            // minimal orchestrator with no start-up and no bookkeeping starts each level's containers all at once
            // through the engine API, waits the settle time, then the next level.
            simulateReboot(agent);
            long p0 = System.nanoTime();
            List<String> levelStarts = new ArrayList<>();
            for (int level = 0; level < STACKS_PER_LEVEL.length; level++) {
                long l0 = System.nanoTime();
                startLevelInParallel(level);
                levelStarts.add(String.format(Locale.ROOT, "%.3f", seconds(System.nanoTime() - l0)));
                Thread.sleep(settleMillis);
            }
            long p1 = System.nanoTime();
            requireRunning(countContainers(), "after ideal parallel run " + i);
            idealTimes.add(seconds(p1 - p0));
            pairedGaps.add(took - seconds(p1 - p0));
            log("run %d: ideal level-parallel start of %d containers in %.3f s (each level's starts took %s s)", i,
                    countContainers(), seconds(p1 - p0), String.join(", ", levelStarts));

            simulateReboot(agent);
            long b0 = System.nanoTime();
            int n = 0;
            for (String c : containers.keySet()) {
                if (n++ > 0) {
                    Thread.sleep(baselinePause);
                }
                long s0 = System.nanoTime();
                podman.podman("start", c);
                cliStart.add(seconds(System.nanoTime() - s0));
            }
            long b1 = System.nanoTime();
            requireRunning(countContainers(), "after baseline run " + i);
            baselineTimes.add(seconds(b1 - b0));
            log("run %d: naive baseline started %d containers in %.3f s", i, countContainers(), seconds(b1 - b0));
        }
        agent.kill9();

        // critical path of the containers' own start times plus the settle gate along the longest chain
        Map<String, Double> cost = new LinkedHashMap<>();
        ownStart.forEach((c, l) -> cost.put(c, median(l)));
        double settle = settleMillis / 1000.0;
        double criticalParallel = 0;
        double criticalSequential = 0;
        for (int level = 0; level < STACKS_PER_LEVEL.length; level++) {
            double maxOne = 0;
            double maxSum = 0;
            for (Map.Entry<String, Integer> s : stacks.entrySet()) {
                if (s.getValue() != level) {
                    continue;
                }
                double sum = 0;
                for (Map.Entry<String, String> c : containers.entrySet()) {
                    if (c.getValue().equals(s.getKey())) {
                        maxOne = Math.max(maxOne, cost.get(c.getKey()));
                        sum += cost.get(c.getKey());
                    }
                }
                maxSum = Math.max(maxSum, sum);
            }
            criticalParallel += maxOne + settle;
            criticalSequential += maxSum + settle;
        }
        double agentMedian = median(agentTimes);
        double baselineMedian = median(baselineTimes);
        double readyMedian = median(startToReady);
        double rssMedian = median(rssMb);

        BenchOutput.Table t = new BenchOutput.Table(what -> what.endsWith("(MB)") ? "%.1f" : "%.3f");
        System.out.println();
        System.out.printf(Locale.ROOT, "## Results (%d containers, %d stacks, %d levels, settle time %d ms, "
                + "%d reboot runs, %d start-to-ready runs, total bench time %.0f s)%n%n", countContainers(),
                countStacks(), STACKS_PER_LEVEL.length, settleMillis, runs, readyRuns,
                seconds(System.nanoTime() - benchStart));
        t.statsHeader("Measurement");
        t.stats("Lifeline: process spawn -> /health/ready 200 after reboot (s)", agentTimes);
        t.stats("Naive baseline: podman start + 3 s pause, one by one (s)", baselineTimes);
        t.stats("Measured critical path: each level's containers at once via the API + settle (s)", idealTimes);
        t.stats("Lifeline: spawn -> last container StartedAt + settle, engine view (s)", engineTimes);
        t.stats("Lifeline: spawn -> recovery began (JVM start, init) (s)", preRecovery);
        t.stats("Lifeline: recovery began -> finished, agent's report (s)", inRecovery);
        t.stats("Own start cost of one container, engine API, alone (s)", flatten(ownStart));
        t.stats("podman start NAME (CLI) in the baseline, per container (s)", cliStart);
        t.stats("Agent idle RSS after " + idleSeconds + " s with 50 containers up (MB)", rssMb);
        t.stats("Start-to-ready, nothing to recover (s)", startToReady);
        System.out.println();
        t.row("Derived", "Value", "Goal", "Met", "");
        t.row("---", "---:", "---:", "---:", "---:");
        double idealMedian = median(idealTimes);
        t.row("Lifeline median minus measured critical path (s)", f(agentMedian - idealMedian), "<= 1.000",
                yes(agentMedian - idealMedian <= 1.0), "");
        t.row("Lifeline minus measured critical path, run by run: median of the runs' differences (s)",
                f(median(pairedGaps)), "<= 1.000", yes(median(pairedGaps) <= 1.0), "");
        t.row("Lifeline recovery (agent's report) minus measured critical path (s)",
                f(median(inRecovery) - idealMedian), "", "", "");
        t.row("Critical path: per level max own start + settle, summed (s)", f(criticalParallel), "", "", "");
        t.row("Critical path if a stack's containers start one by one (s)", f(criticalSequential), "", "", "");
        t.row("Lifeline median minus critical path (s)", f(agentMedian - criticalParallel), "<= 1.000",
                yes(agentMedian - criticalParallel <= 1.0), "");
        t.row("Lifeline median minus one-by-one critical path (s)", f(agentMedian - criticalSequential), "<= 1.000",
                yes(agentMedian - criticalSequential <= 1.0), "");
        t.row("Speed-up vs baseline (medians)", String.format(Locale.ROOT, "%.1fx", baselineMedian / agentMedian),
                ">= 10x", yes(baselineMedian / agentMedian >= 10), "");
        t.row("Agent idle RSS median (MB)", String.format(Locale.ROOT, "%.1f", rssMedian), "< 150",
                yes(rssMedian < 150), "");
        t.row("Start-to-ready median (s)", f(readyMedian), "< 2.000", yes(readyMedian < 2.0), "");
    }

    private void createStacks() {
        String image = podman.busyboxImage();
        for (int level = 0; level < STACKS_PER_LEVEL.length; level++) {
            List<String> deps = new ArrayList<>();
            for (Map.Entry<String, Integer> s : stacks.entrySet()) {
                if (s.getValue() == level - 1) {
                    deps.add(s.getKey());
                }
            }
            for (int j = 0; j < STACKS_PER_LEVEL[level]; j++) {
                String stack = "l" + level + "-" + (char) ('a' + j);
                stacks.put(stack, level);
                for (int k = 1; k <= CONTAINERS_PER_STACK; k++) {
                    String name = stack + "-c" + k;
                    containers.put(name, stack);
                    List<String> args = new ArrayList<>(List.of("create", "--name", name, "--network", "none",
                            "--label", "lifeline.stack=" + stack, "--label", "lifeline.tier=" + level));
                    if (!deps.isEmpty()) {
                        args.addAll(List.of("--label", "lifeline.depends-on=" + String.join(",", deps)));
                    }
                    args.add(image);
                    args.addAll(PodmanService.IDLE_COMMAND);
                    podman.podman(args.toArray(String[]::new));
                }
            }
        }
    }

    private void startAllCli() {
        for (String c : containers.keySet()) {
            podman.podman("start", c);
        }
        requireRunning(countContainers(), "after creating the stacks");
    }

    /** kill -9 of the agent, every container stopped, a new boot id: what the agent sees after a host reboot. */
    private void simulateReboot(AgentProcess agent) throws IOException {
        if (agent != null) {
            agent.kill9();
        }
        stopAll();
        Files.writeString(bootId, UUID.randomUUID() + "\n");
    }

    private void stopAll() {
        podman.podman("stop", "-a", "-t", "2");
        requireRunning(0, "after stopping every container");
    }

    private void requireRunning(int expected, String when) {
        long running = podman.podman("ps", "-q").lines().filter(l -> !l.isBlank()).count();
        if (running != expected) {
            throw new IllegalStateException(running + " containers running " + when + ", expected " + expected);
        }
    }

    /**
     * Waits for the agent's {@code event=ready} log line, which it writes when {@code /health/ready} turns 200, and
     * returns that line's timestamp (the host clock, milliseconds). The log file is read every 10 ms; polling the
     * API that often instead cost the agent a sixth of its CPU during a recovery (measured with JFR), which slowed the
     * very recovery being measured. One request then confirms that {@code /health/ready} answers 200.
     */
    private static Instant awaitReady(AgentProcess agent) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!agent.isAlive()) {
                throw new IllegalStateException("agent exited before ready:\n" + agent.log());
            }
            Optional<Instant> ready = agent.log().lines().filter(l -> l.contains(" event=ready "))
                    .map(l -> Instant.parse(l.substring(0, l.indexOf(' ')))).findFirst();
            if (ready.isPresent()) {
                confirmReady(agent);
                return ready.get();
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("agent not ready within " + READY_TIMEOUT + ":\n" + agent.log());
    }

    private static void confirmReady(AgentProcess agent) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                if (agent.getStatus("/health/ready") == 200) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // the address or token file is being written
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the agent logged ready but /health/ready does not answer 200:\n" + agent.log());
    }

    private static double secondsBetween(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

    private void awaitRunningSet(AgentProcess agent) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            long known = 0;
            for (JsonNode s : json.readTree(agent.get("/stacks"))) {
                if (stacks.containsKey(s.get("name").asText()) && s.get("inRunningSet").asBoolean()) {
                    known++;
                }
            }
            if (known == stacks.size()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the agent did not record the running stacks within 60 s:\n" + agent.log());
    }

    private Instant lastContainerStart(JsonNode stacksJson, Instant after) {
        Instant last = null;
        int started = 0;
        for (JsonNode s : stacksJson) {
            for (JsonNode c : s.get("containers")) {
                JsonNode at = c.get("startedAt");
                if (containers.containsKey(c.get("name").asText()) && at != null && !at.isNull()) {
                    Instant t = Instant.parse(at.asText());
                    if (t.isAfter(after)) {
                        started++;
                        last = last == null || t.isAfter(last) ? t : last;
                    }
                }
            }
        }
        if (started != containers.size() || last == null) {
            throw new IllegalStateException("only " + started + " of " + containers.size()
                    + " containers were started by the agent");
        }
        return last;
    }

    /** {@code POST /containers/NAME/start} on the engine's socket (Docker-compatible API); returns the status. */
    /** Starts every container of one level at once through the engine API and waits for all the starts. */
    private void startLevelInParallel(int level) throws Exception {
        List<String> names = containers.entrySet().stream().filter(c -> stacks.get(c.getValue()) == level)
                .map(Map.Entry::getKey).toList();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Integer>> starts = new ArrayList<>();
            for (String name : names) {
                starts.add(pool.submit(() -> apiStart(name)));
            }
            for (var f : starts) {
                int status = f.get();
                if (status / 100 != 2) {
                    throw new IllegalStateException("engine API start answered " + status);
                }
            }
        }
    }

    private int apiStart(String name) throws IOException {
        return BenchOutput.enginePost(podman.socketPath(), "/containers/" + name + "/start");
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    private static Instant instant(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new IllegalStateException("recovery report without a timestamp");
        }
        if (node.isNumber()) {
            return Instant.ofEpochMilli(Math.round(node.asDouble() * 1000));
        }
        return Instant.parse(node.asText());
    }

    private static long millisBetween(Instant a, Instant b) {
        return Duration.between(a, b).toMillis();
    }

    private int countContainers() {
        return sum(STACKS_PER_LEVEL) * CONTAINERS_PER_STACK;
    }

    private int countStacks() {
        return sum(STACKS_PER_LEVEL);
    }

    private static int sum(int[] values) {
        int s = 0;
        for (int v : values) {
            s += v;
        }
        return s;
    }

    private static List<Double> flatten(Map<String, List<Double>> values) {
        return values.values().stream().flatMap(List::stream).toList();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
