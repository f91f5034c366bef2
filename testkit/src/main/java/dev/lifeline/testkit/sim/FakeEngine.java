package dev.lifeline.testkit.sim;

import dev.lifeline.core.engine.ContainerEngine;
import dev.lifeline.core.engine.DataMount;
import dev.lifeline.core.engine.ExecResult;
import dev.lifeline.core.engine.EngineEvent;
import dev.lifeline.core.engine.EngineEventListener;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.engine.EventSubscription;
import dev.lifeline.core.engine.HealthProbe;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory container engine for simulation and fast tests. Timestamps come from the {@link SimClock}; events are
 * delivered synchronously, on the calling thread, after the engine's lock is released. Every start and stop call is
 * recorded in order. Behaves like Podman where engines differ: a stop outside Lifeline or a crash shows only as a
 * {@code die} event with the exit code. Restart policies are applied at {@link #simulateHostReboot()} only.
 */
public final class FakeEngine implements ContainerEngine {
    /** Exit code of a container stopped by {@code SIGTERM} outside Lifeline. */
    public static final int SIGTERM_EXIT = 143;
    /** Exit code of a container killed with {@code SIGKILL} (crash, OOM kill). */
    public static final int SIGKILL_EXIT = 137;
    /** Exit code the engine reports for containers that were running when the host went down. */
    public static final int HOST_DOWN_EXIT = 255;

    /** One start or stop call, in the order received. */
    public record Call(String action, String container, Instant at, Optional<String> failure) {
        @Override
        public String toString() {
            return action + " " + container + failure.map(f -> " failed: " + f).orElse("");
        }
    }

    private static final class Container {
        final String id;
        final String name;
        final String image;
        final Map<String, String> labels;
        final Healthcheck healthcheck;
        final String restartPolicy;
        ContainerStatus status = ContainerStatus.CREATED;
        Health health = Health.NONE;
        Instant startedAt;
        Instant finishedAt;
        int exitCode;
        int probes;
        boolean stoppedByUser;
        int failStarts;
        String failMessage = "";

        Container(String id, String name, String image, Map<String, String> labels, Healthcheck healthcheck,
                String restartPolicy) {
            this.id = id;
            this.name = name;
            this.image = image;
            this.labels = Map.copyOf(labels);
            this.healthcheck = healthcheck;
            this.restartPolicy = restartPolicy;
        }
    }

    private final SimClock clock;
    private final Map<String, Container> byName = new TreeMap<>();
    private final List<Call> calls = new ArrayList<>();
    private int listings;
    private int inspections;
    private final List<EngineEvent> pending = new ArrayList<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private boolean unreachable;
    private boolean healthchecksOnRequest;
    private long nextId = 1;

    public FakeEngine(SimClock clock) {
        this.clock = clock;
    }

    // ---- setup -------------------------------------------------------------------------------------------------

    /** Adds a created (not started) container without healthcheck; returns its id. */
    public String add(String name, Map<String, String> labels) {
        return add(name, labels, Healthcheck.none());
    }

    public String add(String name, Map<String, String> labels, Healthcheck healthcheck) {
        return add(name, labels, healthcheck, "no");
    }

    /** @param restartPolicy {@code no}, {@code always}, {@code unless-stopped} or {@code on-failure} */
    public synchronized String add(String name, Map<String, String> labels, Healthcheck healthcheck,
            String restartPolicy) {
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("container " + name + " already exists");
        }
        String id = String.format("%064x", nextId++);
        byName.put(name, new Container(id, name, "fake/" + name + ":latest", labels, healthcheck, restartPolicy));
        return id;
    }

    /** Puts a container in the running state as test setup: no call recorded, no event. */
    public synchronized void alreadyRunning(String name) {
        markStarted(require(name));
        drainPending();
    }

    /**
     * Like Podman without systemd: {@link #runHealthcheck} runs a container's check on request and says how it went
     * (each call is recorded as a {@code healthcheck} call). Off by default: the engine runs checks itself and
     * {@link #runHealthcheck} answers {@link HealthProbe#NOT_RUN}, as Docker does.
     */
    public synchronized void healthchecksOnRequest(boolean value) {
        healthchecksOnRequest = value;
    }

    @Override
    public HealthProbe runHealthcheck(String idOrName) {
        HealthProbe result;
        List<EngineEvent> out;
        synchronized (this) {
            checkReachable();
            Optional<Container> found = find(idOrName);
            if (!healthchecksOnRequest || found.isEmpty() || found.get().status != ContainerStatus.RUNNING
                    || found.get().healthcheck instanceof Healthcheck.None) {
                return HealthProbe.NOT_RUN;
            }
            Container c = found.get();
            calls.add(new Call("healthcheck", c.name, clock.instant(), Optional.empty()));
            refreshTimedHealth();
            probe(c);
            result = c.health == Health.HEALTHY ? HealthProbe.PASSED : HealthProbe.FAILED;
            out = drainPending();
        }
        deliver(out);
        return result;
    }

    // ---- fault injection ---------------------------------------------------------------------------------------

    /** The next {@code count} starts of the container fail with {@link EngineException#refused} and {@code message}. */
    public synchronized void failNextStarts(String name, int count, String message) {
        Container container = require(name);
        container.failStarts = count;
        container.failMessage = message;
    }

    /**
     * While unreachable every engine call throws {@link EngineException#unreachable}; becoming unreachable ends every
     * open event stream.
     */
    public void unreachable(boolean value) {
        List<Subscription> ended;
        synchronized (this) {
            unreachable = value;
            ended = value ? List.copyOf(subscriptions) : List.of();
            subscriptions.removeAll(ended);
        }
        ended.forEach(s -> s.listener.onStreamEnded(EngineException.unreachable("simulated: engine unreachable", null)));
    }

    /** The host went down and came back: every container exited, no event; open streams end. */
    public void simulateHostReboot() {
        List<Subscription> ended;
        synchronized (this) {
            Instant now = clock.instant();
            for (Container c : byName.values()) {
                if (c.status.isUp() || c.status == ContainerStatus.RESTARTING) {
                    c.status = ContainerStatus.EXITED;
                    c.exitCode = HOST_DOWN_EXIT;
                    c.finishedAt = now;
                    c.health = Health.NONE;
                }
            }
            for (Container c : byName.values()) {
                boolean restart = c.restartPolicy.equals("always")
                        || (c.restartPolicy.equals("unless-stopped") && !c.stoppedByUser);
                if (restart) {
                    markStarted(c);
                }
            }
            pending.clear();
            ended = List.copyOf(subscriptions);
            subscriptions.clear();
        }
        ended.forEach(s -> s.listener.onStreamEnded(EngineException.unreachable("simulated: host rebooted", null)));
    }

    /** The container's process died on its own: a {@code die} event with {@code exitCode}, nothing else. */
    public void crash(String name, int exitCode) {
        died(name, exitCode);
    }

    /** Someone ran {@code podman stop} outside Lifeline: only a {@code die} event with exit code 143. */
    public void externalStop(String name) {
        died(name, SIGTERM_EXIT);
    }

    private void died(String name, int exitCode) {
        List<EngineEvent> out;
        synchronized (this) {
            Container c = require(name);
            if (c.status.isUp()) {
                c.status = ContainerStatus.EXITED;
                c.exitCode = exitCode;
                c.finishedAt = clock.instant();
                c.health = Health.NONE;
                emit(c, "die", Map.of("exitCode", Integer.toString(exitCode)));
            }
            out = drainPending();
        }
        deliver(out);
    }

    // ---- assertions --------------------------------------------------------------------------------------------

    /** Every start and stop call so far, in order. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Calls as text: {@code "start db"}, {@code "stop web"}, {@code "start app failed: boom"}. */
    public synchronized List<String> callLog() {
        return calls.stream().map(Call::toString).toList();
    }

    /** Names of the containers successfully started, in order. */
    public synchronized List<String> started() {
        return calls.stream().filter(c -> c.action().equals("start") && c.failure().isEmpty())
                .map(Call::container).toList();
    }

    public synchronized int subscriberCount() {
        return subscriptions.size();
    }

    /** Re-evaluates time-based healthchecks now (also done by every engine call). */
    public void refreshHealth() {
        List<EngineEvent> out;
        synchronized (this) {
            refreshTimedHealth();
            out = drainPending();
        }
        deliver(out);
    }

    // ---- ContainerEngine ---------------------------------------------------------------------------------------

    @Override
    public String describe() {
        return "fake engine (in memory, simulated clock)";
    }

    /** Removes a stopped container (a running one is refused, a missing one is a no-op); records the call. */
    @Override
    public synchronized void remove(String id) {
        checkReachable();
        Optional<Container> found = find(id);
        calls.add(new Call("remove", found.map(c -> c.name).orElse(id), clock.instant(), Optional.empty()));
        if (found.isEmpty()) {
            return;
        }
        if (found.get().status.isUp()) {
            throw EngineException.refused("cannot remove running container " + found.get().name + ": stop it first",
                    null);
        }
        byName.remove(found.get().name);
    }

    /** Freezes a running container; records the call. */
    @Override
    public synchronized void pause(String id) {
        checkReachable();
        Container c = existing(id);
        calls.add(new Call("pause", c.name, clock.instant(), Optional.empty()));
        if (c.status == ContainerStatus.RUNNING) {
            c.status = ContainerStatus.PAUSED;
        }
    }

    @Override
    public synchronized void unpause(String id) {
        checkReachable();
        Container c = existing(id);
        calls.add(new Call("unpause", c.name, clock.instant(), Optional.empty()));
        if (c.status == ContainerStatus.PAUSED) {
            c.status = ContainerStatus.RUNNING;
        }
    }

    private final Map<String, ExecResult> execResults = new java.util.HashMap<>();
    private final Map<String, List<DataMount>> mounts = new java.util.HashMap<>();

    /** What {@code exec} in this container answers from now on (default: exit 0, no output). */
    public synchronized void execAnswers(String name, ExecResult result) {
        execResults.put(require(name).id, result);
    }

    /** The data mounts this container reports. */
    public synchronized void mounts(String name, List<DataMount> dataMounts) {
        mounts.put(require(name).id, List.copyOf(dataMounts));
    }

    /** Records the command (as {@code exec NAME argv...}) and answers what {@link #execAnswers} set. */
    @Override
    public synchronized ExecResult exec(String id, List<String> argv, java.time.Duration timeout) {
        checkReachable();
        Container c = existing(id);
        if (c.status != ContainerStatus.RUNNING) {
            throw EngineException.refused("container " + c.name + " is not running", null);
        }
        calls.add(new Call("exec", c.name + " " + String.join(" ", argv), clock.instant(), Optional.empty()));
        return execResults.getOrDefault(c.id, new ExecResult(0, "", false));
    }

    private final List<dev.lifeline.core.engine.ScratchContainer> scratchRuns = new ArrayList<>();
    private java.util.function.Function<dev.lifeline.core.engine.ScratchContainer, ExecResult> scratchResult =
            spec -> new ExecResult(0, "", false);

    /**
     * What {@code runScratch} answers from now on, computed from the spec (default: exit 0, no output). The function
     * may throw an {@link EngineException}, e.g. to play a missing image.
     */
    public synchronized void scratchResult(
            java.util.function.Function<dev.lifeline.core.engine.ScratchContainer, ExecResult> result) {
        scratchResult = java.util.Objects.requireNonNull(result, "result");
    }

    /** Every spec {@code runScratch} was given, in order. */
    public synchronized List<dev.lifeline.core.engine.ScratchContainer> scratchRuns() {
        return List.copyOf(scratchRuns);
    }

    /**
     * Records the spec and the call (as {@code scratch IMAGE argv...}) and answers what {@link #scratchResult} says.
     * Creates no container: a real one is removed before the call returns, so none would be visible afterwards.
     */
    @Override
    public synchronized ExecResult runScratch(dev.lifeline.core.engine.ScratchContainer spec) {
        checkReachable();
        scratchRuns.add(spec);
        String shown = spec.argv().isEmpty() ? spec.image() : spec.image() + " " + String.join(" ", spec.argv());
        calls.add(new Call("scratch", shown, clock.instant(), Optional.empty()));
        return scratchResult.apply(spec);
    }

    @Override
    public synchronized List<DataMount> dataMounts(String id) {
        checkReachable();
        Container c = existing(id);
        return mounts.getOrDefault(c.id, List.of());
    }

    @Override
    public synchronized void ping() {
        checkReachable();
    }

    /** How many containers were inspected so far, one by one. */
    public synchronized int inspections() {
        return inspections;
    }

    /** How many times the host's containers were listed (every resync lists them). */
    public synchronized int listings() {
        return listings;
    }

    @Override
    public List<ContainerInfo> listContainers() {
        List<ContainerInfo> result = new ArrayList<>();
        List<EngineEvent> out;
        synchronized (this) {
            checkReachable();
            listings++;
            refreshTimedHealth();
            for (Container c : byName.values()) {
                probe(c);
                result.add(info(c));
            }
            out = drainPending();
        }
        deliver(out);
        return List.copyOf(result);
    }

    @Override
    public Optional<ContainerInfo> inspect(String idOrName) {
        Optional<ContainerInfo> result;
        List<EngineEvent> out;
        synchronized (this) {
            checkReachable();
            inspections++;
            refreshTimedHealth();
            Optional<Container> found = find(idOrName);
            found.ifPresent(this::probe);
            result = found.map(this::info);
            out = drainPending();
        }
        deliver(out);
        return result;
    }

    @Override
    public void start(String id) {
        List<EngineEvent> out;
        synchronized (this) {
            checkReachable();
            refreshTimedHealth();
            Container c = find(id).orElse(null);
            if (c == null) {
                calls.add(new Call("start", id, clock.instant(), Optional.of("no such container")));
                throw EngineException.refused("no such container: " + id, null);
            }
            if (c.failStarts > 0) {
                c.failStarts--;
                calls.add(new Call("start", c.name, clock.instant(), Optional.of(c.failMessage)));
                throw EngineException.refused(c.failMessage, null);
            }
            calls.add(new Call("start", c.name, clock.instant(), Optional.empty()));
            if (!c.status.isUp()) {
                markStarted(c);
                emit(c, "start", Map.of());
                refreshTimedHealth();
            }
            out = drainPending();
        }
        deliver(out);
    }

    @Override
    public void stop(String id, Duration timeout) {
        List<EngineEvent> out;
        synchronized (this) {
            checkReachable();
            refreshTimedHealth();
            Container c = find(id).orElse(null);
            if (c == null) {
                calls.add(new Call("stop", id, clock.instant(), Optional.of("no such container")));
                throw EngineException.refused("no such container: " + id, null);
            }
            calls.add(new Call("stop", c.name, clock.instant(), Optional.empty()));
            c.stoppedByUser = true;
            if (c.status.isUp()) {
                c.status = ContainerStatus.EXITED;
                c.exitCode = 0;
                c.finishedAt = clock.instant();
                c.health = Health.NONE;
                emit(c, "kill", Map.of("signal", "15"));
                emit(c, "die", Map.of("exitCode", "0"));
                emit(c, "stop", Map.of());
            }
            out = drainPending();
        }
        deliver(out);
    }

    @Override
    public synchronized EventSubscription subscribe(EngineEventListener listener) {
        checkReachable();
        Subscription subscription = new Subscription(listener);
        subscriptions.add(subscription);
        return subscription;
    }

    @Override
    public void close() {
        subscriptions.clear();
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    private final class Subscription implements EventSubscription {
        final EngineEventListener listener;

        Subscription(EngineEventListener listener) {
            this.listener = listener;
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }

    private void checkReachable() {
        if (unreachable) {
            throw EngineException.unreachable("simulated: engine unreachable", null);
        }
    }

    private Container require(String name) {
        Container c = byName.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no container named " + name + " in the fake engine");
        }
        return c;
    }

    /** The container an operation names; the engine refuses an unknown one. */
    private Container existing(String id) {
        return find(id).orElseThrow(() -> EngineException.refused("no container " + id, null));
    }

    private Optional<Container> find(String idOrName) {
        String key = idOrName.startsWith("/") ? idOrName.substring(1) : idOrName;
        Container c = byName.get(key);
        if (c != null) {
            return Optional.of(c);
        }
        List<Container> byId = byName.values().stream()
                .filter(x -> key.length() >= 12 && x.id.startsWith(key)).toList();
        return byId.size() == 1 ? Optional.of(byId.getFirst()) : Optional.empty();
    }

    private void markStarted(Container c) {
        c.status = ContainerStatus.RUNNING;
        c.startedAt = clock.instant();
        c.exitCode = 0;
        c.probes = 0;
        c.stoppedByUser = false;
        c.health = c.healthcheck instanceof Healthcheck.None ? Health.NONE : Health.STARTING;
    }

    private void probe(Container c) {
        if (c.status == ContainerStatus.RUNNING && c.health == Health.STARTING
                && c.healthcheck instanceof Healthcheck.AfterProbes(int probes)) {
            c.probes++;
            if (c.probes >= probes) {
                becomeHealthy(c);
            }
        }
    }

    private void refreshTimedHealth() {
        Instant now = clock.instant();
        for (Container c : byName.values()) {
            if (c.status == ContainerStatus.RUNNING && c.health == Health.STARTING
                    && c.healthcheck instanceof Healthcheck.AfterDuration(Duration after)
                    && !now.isBefore(c.startedAt.plus(after))) {
                becomeHealthy(c);
            }
        }
    }

    private void becomeHealthy(Container c) {
        c.health = Health.HEALTHY;
        emit(c, "health_status", Map.of("health_status", "healthy"));
    }

    private void emit(Container c, String action, Map<String, String> extra) {
        Map<String, String> attributes = new HashMap<>(c.labels);
        attributes.put("name", c.name);
        attributes.put("image", c.image);
        attributes.putAll(extra);
        pending.add(new EngineEvent(c.id, action, clock.instant(), attributes));
    }

    private List<EngineEvent> drainPending() {
        List<EngineEvent> out = List.copyOf(pending);
        pending.clear();
        return out;
    }

    private void deliver(List<EngineEvent> events) {
        for (EngineEvent event : events) {
            for (Subscription s : subscriptions) {
                s.listener.onEvent(event);
            }
        }
    }

    private ContainerInfo info(Container c) {
        return new ContainerInfo(c.id, c.name, c.image, c.labels, c.status, c.health,
                Optional.ofNullable(c.startedAt), Optional.ofNullable(c.finishedAt), c.exitCode, false,
                c.restartPolicy);
    }
}
