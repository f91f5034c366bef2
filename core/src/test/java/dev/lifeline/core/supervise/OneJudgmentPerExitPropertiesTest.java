package dev.lifeline.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Health;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.retry.CrashLoopBackoff;
import dev.lifeline.core.supervise.ExitJudge.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Simulated hosts on either engine drive an {@link ExitJudge} the way the agent's supervisor does: containers exit
 * (crashes, OOM kills, {@code stop}, {@code kill -s SIG} with signals that end a process and ones that do not), the
 * engine records its events in its own order (Docker: {@code kill} with the signal, {@code die}, {@code stop};
 * Podman: {@code die}, or {@code kill} without a signal then {@code die}), the supervisor reads them late or early
 * against resyncs that list the host, time passes and the judge's timers come due, restarts succeed or fail, and
 * users start containers again. One {@link Random} per seed: a failing seed replays exactly.
 */
class OneJudgmentPerExitPropertiesTest {
    private static final Instant T0 = Instant.parse("2026-12-05T23:00:00Z");
    private static final int STEPS = 120;

    enum Engine { DOCKER, PODMAN }

    /** What happened to a container's process, and what of it the supervisor has read. */
    private static final class Container {
        final String id;
        final StackName stack;
        boolean up = true;
        int exitCode;
        boolean oom;
        /** Each exit's number; restarted and adopted exits are recorded by it. */
        int exit;
        Instant startedAt = T0;
        /** When the supervisor read a kill of this run whose signal ends a process. */
        Instant stopKillReadAt;

        Container(String id, StackName stack) {
            this.id = id;
            this.stack = stack;
        }

        ContainerInfo info() {
            return new ContainerInfo(id, id, "busybox", Map.of(), up ? ContainerStatus.RUNNING : ContainerStatus.EXITED,
                    Health.NONE, Optional.of(startedAt), Optional.empty(), exitCode, oom, "no");
        }

        String exitKey() {
            return id + "#" + exit;
        }
    }

    private record Event(String container, String action, String signal) {}

    private static final class World {
        final Random random;
        final Engine engine;
        final ExitJudge judge = new ExitJudge(new CrashLoopBackoff(new CrashLoopBackoff.Config(Duration.ofSeconds(10),
                Duration.ofMinutes(5), Duration.ofMinutes(10))), new PendingStops.Timing(Duration.ofSeconds(15), 3,
                Duration.ofMinutes(2)), ExitJudge.KILL_MEMORY);
        final List<Container> containers = new ArrayList<>();
        final Map<StackName, List<Container>> stacks = new HashMap<>();
        final Set<StackName> userStopped = new HashSet<>();
        final ArrayDeque<Event> inFlight = new ArrayDeque<>();
        final Set<String> restarted = new HashSet<>();
        final Set<String> adopted = new HashSet<>();
        /** Stacks with a judgment standing: seen down, and not seen up, forgotten or adopted since. */
        final Set<StackName> judgedStacks = new HashSet<>();
        final List<String> trace = new ArrayList<>();
        Instant now = T0;

        World(long seed, Engine engine) {
            this.random = new Random(seed);
            this.engine = engine;
            int stackCount = 1 + random.nextInt(3);
            for (int s = 0; s < stackCount; s++) {
                StackName stack = StackName.of("s" + s);
                int size = 1 + random.nextInt(2);
                for (int c = 0; c < size; c++) {
                    Container container = new Container("s" + s + "c" + c, stack);
                    containers.add(container);
                    stacks.computeIfAbsent(stack, k -> new ArrayList<>()).add(container);
                }
            }
        }

        void step() {
            int choice = random.nextInt(100);
            if (choice < 25) {
                outsideAction();
            } else if (choice < 55) {
                deliver();
            } else if (choice < 70) {
                resync("periodic");
            } else if (choice < 90) {
                now = now.plusMillis(random.nextInt(20_000));
                resync("timer");
            } else {
                userStart();
            }
        }

        private void outsideAction() {
            List<Container> running = containers.stream().filter(c -> c.up).toList();
            if (running.isEmpty()) {
                return;
            }
            Container c = running.get(random.nextInt(running.size()));
            switch (random.nextInt(3)) {
                case 0 -> crash(c);
                case 1 -> stop(c);
                default -> kill(c, List.of("TERM", "KILL", "INT", "QUIT", "HUP", "USR1", "USR2", "WINCH")
                        .get(random.nextInt(8)));
            }
        }

        private void crash(Container c) {
            boolean oom = random.nextInt(4) == 0;
            if (oom && engine == Engine.DOCKER) {
                inFlight.add(new Event(c.id, "oom", null));
            }
            exit(c, oom ? 137 : List.of(1, 2, 3, 139).get(random.nextInt(4)), oom, "crash");
        }

        /** {@code docker stop} / {@code podman stop}: the app answers SIGTERM its own way, or is killed. */
        private void stop(Container c) {
            int code = List.of(143, 0, 1, 3, 137).get(random.nextInt(5));
            if (engine == Engine.DOCKER) {
                inFlight.add(new Event(c.id, "kill", "15"));
                if (code == 137) {
                    inFlight.add(new Event(c.id, "kill", "9"));
                }
            }
            exit(c, code, false, "stop");
            if (engine == Engine.DOCKER) {
                inFlight.add(new Event(c.id, "stop", null));
            }
        }

        /** {@code kill -s SIG}: the app may carry on (it handles or ignores the signal) or exit its own way. */
        private void kill(Container c, String signal) {
            inFlight.add(new Event(c.id, "kill", engine == Engine.DOCKER ? signalNumber(signal) : null));
            if (signal.equals("KILL")) {
                exit(c, 137, false, "kill -s KILL");
            } else if (random.nextBoolean()) {
                exit(c, List.of(0, 1, 3, 143).get(random.nextInt(4)), false, "kill -s " + signal);
            } else {
                trace.add(now + " kill -s " + signal + " " + c.id + ": still running");
            }
        }

        private static String signalNumber(String name) {
            return String.valueOf(KillSignal.parse(name).orElseThrow().number());
        }

        private void exit(Container c, int code, boolean oom, String why) {
            c.up = false;
            c.exitCode = code;
            c.oom = oom;
            inFlight.add(new Event(c.id, "die", null));
            trace.add(now + " " + why + ": " + c.exitKey() + " exit " + code + (oom ? " oom" : ""));
        }

        /** The supervisor reads the next event: a kill goes to the judge, a start too, other events resync. */
        private void deliver() {
            Event e = inFlight.poll();
            if (e == null) {
                return;
            }
            trace.add(now + " read " + e);
            Container c = container(e.container());
            switch (e.action()) {
                case "kill" -> {
                    Optional<KillSignal> signal = judge.onKill(e.container(), e.signal(), now);
                    if (signal.filter(KillSignal::endsTheProcess).isPresent()) {
                        c.stopKillReadAt = now;
                    }
                }
                case "start" -> {
                    // the kills read so far were of an earlier run: this run's come after its start event
                    c.stopKillReadAt = null;
                    judge.onStart(e.container());
                    resync("start event");
                }
                case "die", "oom" -> resync(e.action() + " event");
                default -> { }
            }
        }

        /** Someone starts a stopped container from outside. */
        private void userStart() {
            List<Container> down = containers.stream().filter(c -> !c.up).toList();
            if (!down.isEmpty()) {
                start(down.get(random.nextInt(down.size())), "user start");
            }
        }

        private void start(Container c, String why) {
            c.up = true;
            c.exit++;
            c.startedAt = now;
            c.stopKillReadAt = null;
            inFlight.add(new Event(c.id, "start", null));
            trace.add(now + " " + why + ": " + c.id);
        }

        /** What the supervisor's resync does, in its order. */
        void resync(String why) {
            trace.add(now + " resync (" + why + ")");
            boolean restartedSome = false;
            for (Map.Entry<StackName, List<Container>> entry : stacks.entrySet()) {
                StackName stack = entry.getKey();
                List<Container> members = entry.getValue();
                if (members.stream().allMatch(c -> c.up)) {
                    judge.onUp(stack);
                    judgedStacks.remove(stack);
                    userStopped.remove(stack);
                } else if (userStopped.contains(stack)) {
                    judge.forget(stack);
                    judgedStacks.remove(stack);
                } else {
                    restartedSome |= judgeDown(stack, members);
                }
            }
            for (ExitJudge.Adoption a : judge.confirmedStops(now)) {
                trace.add(now + " adopt " + a);
                userStopped.add(a.stack());
                judgedStacks.remove(a.stack());
                for (Container c : stacks.get(a.stack())) {
                    if (!c.up) {
                        adopted.add(c.exitKey());
                    }
                }
                assertOneJudgmentPerExit();
            }
            if (restartedSome) {
                resync("after a restart");
            }
        }

        /** Returns whether it restarted the stack. */
        private boolean judgeDown(StackName stack, List<Container> members) {
            List<Container> down = members.stream().filter(c -> !c.up).toList();
            Instant lastStart = members.stream().map(c -> c.startedAt).max(Instant::compareTo).orElse(now);
            Verdict verdict = judge.onDown(stack, down.stream().map(Container::info).toList(), false, lastStart, now);
            trace.add(now + " " + verdict);
            if (judgedStacks.add(stack) && members.size() == 1) {
                assertJudgedByItsEvidence(down.getFirst(), verdict);
            }
            if (!(verdict instanceof Verdict.RestartNow)) {
                return false;
            }
            down.forEach(c -> restarted.add(c.exitKey()));
            assertOneJudgmentPerExit();
            if (random.nextInt(5) > 0) {
                down.forEach(c -> start(c, "restart"));
            } else {
                trace.add(now + " the restart failed");
            }
            return true;
        }

        /**
         * A one-container stack's new judgment, made with every event of its exit read: a kill of this run that ends a
         * process, read within the kill memory, makes it a stop; else the exit code decides.
         */
        private void assertJudgedByItsEvidence(Container c, Verdict verdict) {
            if (inFlight.stream().anyMatch(e -> e.container().equals(c.id))) {
                return;
            }
            boolean stopKill = c.stopKillReadAt != null
                    && !c.stopKillReadAt.plus(ExitJudge.KILL_MEMORY).isBefore(now);
            boolean crash = !stopKill && ExitKind.of(c.exitCode, c.oom) == ExitKind.CRASHED;
            assertThat(verdict).as("first judgment of %s%n%s", c.exitKey(), String.join("\n", trace))
                    .isInstanceOf(crash ? Verdict.RestartLater.class : Verdict.AwaitConfirmation.class);
        }

        void assertOneJudgmentPerExit() {
            Set<String> both = new HashSet<>(restarted);
            both.retainAll(adopted);
            assertThat(both).as("exits both restarted and adopted as stopped%n%s", String.join("\n", trace))
                    .isEmpty();
        }

        private Container container(String id) {
            return containers.stream().filter(c -> c.id.equals(id)).findFirst().orElseThrow();
        }
    }

    @Property
    void aStackIsNeverBothRestartedAndAdoptedAsStoppedForOneExit(@ForAll long seed, @ForAll Engine engine) {
        World world = new World(seed, engine);
        for (int i = 0; i < STEPS; i++) {
            world.step();
        }
        // every event read, every timer due
        while (!world.inFlight.isEmpty()) {
            world.deliver();
        }
        for (int i = 0; i < 40; i++) {
            world.now = world.now.plusSeconds(15);
            world.resync("drain");
        }
        world.assertOneJudgmentPerExit();
    }
}
