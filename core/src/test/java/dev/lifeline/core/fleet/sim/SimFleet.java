package dev.lifeline.core.fleet.sim;

import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.HostReport;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.MonitorRules;
import dev.lifeline.core.fleet.ReportedWorkload;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.fleet.sim.SimStore.Command;
import dev.lifeline.core.fleet.sim.SimStore.HostRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * A seeded, deterministic fleet: hosts whose agents report truthfully, go silent, come back and are cut off, users
 * who issue commands, and one control-plane replica (its store, ingest, and {@link SimMonitor}) that restarts now and
 * then. One {@link Random}, a simulated clock and one event queue; no threads, no sleeps. The invariants are checked
 * after every event.
 */
final class SimFleet {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    /** Chaos runs this long, then every fault heals and the fleet is watched until it has settled. */
    static final Duration CHAOS = Duration.ofMinutes(30);
    static final Duration MAX_APPLY_DELAY = Duration.ofSeconds(2);

    sealed interface Event {
        record Heartbeat(int host) implements Event {}

        record Pass(long epoch) implements Event {}

        record Apply(SimMonitor.Planned planned) implements Event {}

        record Deliver(long command) implements Event {}

        record OpEnds(int host, String stack, long serial) implements Event {}

        record Chaos() implements Event {}

        record AgentBack(int host) implements Event {}

        record LinkBack(int host) implements Event {}

        record CutEnds(long serial) implements Event {}

        record ReplicaBack() implements Event {}
    }

    private record Scheduled(Instant at, long order, Event event) {}

    final long seed;
    final Random random;
    final MonitorRules rules;
    final Duration heartbeat;
    final Duration monitorInterval;
    /** Whether every heartbeat is news (the report's sequence grows with each), or only a changed report. */
    final boolean newsOnEveryBeat;
    /** Agents that sometimes fail an operation or lose a command. */
    final boolean faultyAgents;
    private final Duration maxHeartbeatGap;
    private final Duration settleTime;
    final List<SimHost> hosts = new ArrayList<>();
    final SimStore store = new SimStore();
    final SimMonitor monitor;
    final FleetInvariants invariants;
    final List<String> trace;
    Instant now = T0;
    int steps;
    /** For the coverage of the runs: commands dropped at delivery, cuts from every host the guard must hold. */
    int expiredCommands;
    int guardedTotalCuts;

    boolean replicaUp = true;
    Instant replicaUpSince = T0;
    final Set<Integer> cut = new HashSet<>();
    boolean totalCut;
    /** The hosts online and heartbeating when the control plane was cut off from every host. */
    Set<UUID> reportingAtTotalCut = Set.of();
    /** When a mass-silence hold last began or ended. */
    Instant holdChangedAt = T0;
    private long cutSerial;
    private long order;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(
            (a, b) -> a.at().equals(b.at()) ? Long.compare(a.order(), b.order()) : a.at().compareTo(b.at()));

    /**
     * What a fleet starts with: the monitor's rules, its interval, whether every heartbeat is news, each host's
     * stacks, whether chaos runs (random faults, commands and changes), and whether agents fail and lose commands.
     */
    record Setup(MonitorRules rules, Duration monitorInterval, boolean newsOnEveryBeat,
            List<Map<String, WorkloadStatus>> hosts, boolean chaos, boolean faultyAgents) {
        static Setup drawn(Random random) {
            Duration threshold = Duration.ofSeconds(random.nextBoolean() ? 90 : 60);
            Duration grace = Duration.ofSeconds(random.nextBoolean() ? 120 : 60);
            Duration failover = random.nextInt(4) == 0 ? threshold.multipliedBy(2) : threshold;
            // a snapshot grace shorter than the default 15 min (backups here last up to 4 min) keeps a seed short
            MonitorRules rules = new MonitorRules(threshold, grace, Duration.ofMinutes(5), 0.5, 3, failover);
            Duration interval = Duration.ofSeconds(5L * (1 + random.nextInt(3)));
            boolean news = random.nextBoolean();
            List<Map<String, WorkloadStatus>> hosts = new ArrayList<>();
            int count = 1 + random.nextInt(8);
            for (int i = 0; i < count; i++) {
                Map<String, WorkloadStatus> stacks = new TreeMap<>();
                int n = random.nextInt(5);
                for (int s = 0; s < n; s++) {
                    stacks.putIfAbsent(SimHost.NAMES.get(random.nextInt(SimHost.NAMES.size())),
                            WorkloadStatus.values()[random.nextInt(4)]);
                }
                hosts.add(stacks);
            }
            return new Setup(rules, interval, news, hosts, true, true);
        }

        /** The defaults (a 90 s threshold, 30 s heartbeats, a 10 s pass), no chaos, agents that do as told. */
        static Setup scripted(List<Map<String, WorkloadStatus>> hosts) {
            MonitorRules d = MonitorRules.defaults();
            MonitorRules rules = new MonitorRules(d.unreachableAfter(), d.transientGrace(), Duration.ofMinutes(5),
                    d.massSilenceShare(), d.massSilenceMinHosts(), d.failoverGrace());
            return new Setup(rules, Duration.ofSeconds(10), false, hosts, false, false);
        }
    }

    static SimFleet random(long seed, boolean tracing) {
        Random random = new Random(seed);
        return new SimFleet(seed, random, Setup.drawn(random), tracing);
    }

    static SimFleet scripted(Setup setup) {
        return new SimFleet(0, new Random(0), setup, true);
    }

    private SimFleet(long seed, Random random, Setup setup, boolean tracing) {
        this.seed = seed;
        this.random = random;
        this.trace = tracing ? new ArrayList<>() : null;
        this.rules = setup.rules();
        this.heartbeat = rules.unreachableAfter().dividedBy(3);
        this.monitorInterval = setup.monitorInterval();
        this.newsOnEveryBeat = setup.newsOnEveryBeat();
        this.faultyAgents = setup.faultyAgents();
        this.maxHeartbeatGap = heartbeat.plusMillis(heartbeat.toMillis() / 10);
        Duration longestGrace = rules.snapshotGrace().compareTo(rules.transientGrace()) > 0 ? rules.snapshotGrace()
                : rules.transientGrace();
        this.settleTime = longestGrace.plus(maxHeartbeatGap).plus(maxHeartbeatGap).plus(monitorInterval)
                .plus(monitorInterval).plus(MAX_APPLY_DELAY).plus(MAX_APPLY_DELAY).plusSeconds(1);
        for (Map<String, WorkloadStatus> stacks : setup.hosts()) {
            SimHost host = new SimHost(hosts.size(), T0);
            stacks.forEach((name, status) -> host.stacks.put(name,
                    new SimHost.Stack(status, SimHost.detailFor(status, random))));
            host.connectedSince = T0;
            hosts.add(host);
            store.register(host.id, T0.minus(Duration.ofHours(1 + random.nextInt(48))));
            schedule(T0.plusMillis(random.nextLong(heartbeat.toMillis())), new Event.Heartbeat(host.index));
        }
        this.monitor = new SimMonitor(this, T0);
        this.invariants = new FleetInvariants(this);
        schedule(T0, new Event.Pass(monitor.epoch));
        if (setup.chaos()) {
            schedule(T0.plusSeconds(1 + random.nextInt(20)), new Event.Chaos());
        }
        note("hosts=" + hosts.size() + " threshold=" + rules.unreachableAfter().toSeconds() + "s grace="
                + rules.transientGrace().toSeconds() + "s failover=" + rules.failoverGrace().toSeconds()
                + "s monitor=" + monitorInterval.toSeconds() + "s newsOnEveryBeat=" + newsOnEveryBeat);
    }

    /** The longest gap between two heartbeats of a connected host. */
    Duration maxHeartbeatGap() {
        return maxHeartbeatGap;
    }

    /** Long enough, once nothing disturbs a host, for its records to have settled: every grace, two beats, passes. */
    Duration settleTime() {
        return settleTime;
    }

    /** Runs the chaos, heals everything, lets the fleet settle; the invariants are checked after every event. */
    void run() {
        // after the heal: a command held back by a cut is delivered at the next heartbeat, its backup may run, and
        // then the records need the settle time
        Instant end = T0.plus(CHAOS).plus(maxHeartbeatGap).plus(SimHost.LONGEST_BACKUP).plus(settleTime())
                .plus(monitorInterval);
        boolean healed = false;
        while (!queue.isEmpty() && !queue.peek().at().isAfter(end)) {
            Scheduled next = queue.poll();
            now = next.at();
            if (!healed && now.isAfter(T0.plus(CHAOS))) {
                healAll();
                healed = true;
            }
            steps++;
            handle(next.event());
            invariants.afterStep();
        }
        invariants.everyHostHasConverged();
    }

    /** Scripted runs: handles the next event (invariants checked after it) and returns it. */
    Event step() {
        Scheduled next = queue.poll();
        now = next.at();
        steps++;
        handle(next.event());
        invariants.afterStep();
        return next.event();
    }

    /** Scripted runs: the fleet lives {@code span} more (events handled, invariants checked after each). */
    void runFor(Duration span) {
        Instant until = now.plus(span);
        while (!queue.isEmpty() && !queue.peek().at().isAfter(until)) {
            step();
        }
        now = until;
    }

    /** Scripted runs: the control plane cannot hear these hosts for {@code span}. */
    void cutOff(Set<Integer> hostIndexes, Duration span) {
        cutSerial++;
        cut.addAll(hostIndexes);
        schedule(now.plus(span), new Event.CutEnds(cutSerial));
        note("control plane cut off from hosts " + cut + " for " + span.toSeconds() + "s");
        refreshConnections();
    }

    /** Scripted runs: a stack changes on its host without the control plane (null: it is removed). */
    void outside(int hostIndex, String stack, WorkloadStatus status) {
        SimHost host = hosts.get(hostIndex);
        if (status == null) {
            host.stacks.remove(stack);
        } else {
            host.stacks.computeIfAbsent(stack, n -> new SimHost.Stack(status, null)).status = status;
            host.stacks.get(stack).detail = SimHost.detailFor(status, random);
        }
        host.disturbedAt = now;
        note("outside change on host " + hostIndex + ": " + stack + " " + status);
    }

    /** Scripted runs: the replica stops (its plans in flight are lost) and starts again {@code down} later. */
    void restartReplica(Duration down) {
        replicaUp = false;
        schedule(now.plus(down), new Event.ReplicaBack());
        note("replica down");
        refreshConnections();
    }

    /** Scripted runs: handles events until {@code condition} holds. */
    void stepUntil(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            step();
        }
    }

    SimStore.HostRow hostRecord(int hostIndex) {
        return store.hosts.get(hosts.get(hostIndex).id);
    }

    SimStore.Row recorded(int hostIndex, String stack) {
        return store.rows.get(hosts.get(hostIndex).id).get(stack);
    }

    private void handle(Event event) {
        switch (event) {
            case Event.Heartbeat h -> heartbeat(hosts.get(h.host()));
            case Event.Pass p -> {
                if (p.epoch() == monitor.epoch && replicaUp) {
                    monitor.pass(now);
                    schedule(now.plus(monitorInterval), new Event.Pass(p.epoch()));
                }
            }
            case Event.Apply a -> {
                if (replicaUp) {
                    monitor.apply(a.planned(), now);
                }
            }
            case Event.Deliver d -> store.pending.stream().filter(c -> c.id() == d.command()).findFirst()
                    .ifPresent(this::deliverIfConnected);
            case Event.OpEnds o -> hosts.get(o.host()).finish(o.stack(), o.serial(), now, random);
            case Event.Chaos c -> chaos();
            case Event.AgentBack b -> {
                hosts.get(b.host()).agentUp = true;
                note("agent back on host " + b.host());
            }
            case Event.LinkBack b -> {
                hosts.get(b.host()).linkUp = true;
                note("link back to host " + b.host());
            }
            case Event.CutEnds c -> {
                if (c.serial() == cutSerial) {
                    cut.clear();
                    totalCut = false;
                    note("cut healed");
                }
            }
            case Event.ReplicaBack r -> replicaBack();
        }
        refreshConnections();
    }

    private void heartbeat(SimHost host) {
        Duration jitter = Duration.ofMillis(random.nextLong(heartbeat.toMillis() / 5 + 1) - heartbeat.toMillis() / 10);
        schedule(now.plus(heartbeat).plus(jitter), new Event.Heartbeat(host.index));
        if (!connected(host)) {
            return;
        }
        HostRow row = store.hosts.get(host.id);
        List<ReportedWorkload> stacks = host.report();
        boolean changed = row.report == null || !row.report.workloads().equals(stacks);
        if (changed || newsOnEveryBeat) {
            row.reportSeq++;
        }
        row.report = new HostReport(row.reportSeq, now, stacks);
        row.lastHeartbeatAt = now;
        boolean back = row.status == HostStatus.UNREACHABLE;
        if (back) {
            // due at once, beside the immediate plan: that plan dies with its replica, and a report unchanged since
            // the host went silent is no news (FleetScenariosTest.aHostBackFromUnreachableIsReconciledEvenIf...)
            row.status = HostStatus.ONLINE;
            row.statusSince = now;
            row.nextCheckAt = now;
            store.auditHost(now, host.id, "host.online", "heartbeat received after the host was unreachable");
            note("host " + host.index + " back online");
        }
        // the report and the commands its answer carries are stored together (one transaction): a plan that saw
        // this report but not the transient's restarted clock judged a command late-delivered in this very answer
        // as "did not take" (FleetScenariosTest.aStartAskedWhileItsHostIsUnreachable...)
        for (Command command : List.copyOf(store.pending)) {
            if (command.host().equals(host.id)) {
                deliverIfConnected(command);
            }
        }
        if (back) {
            monitor.plan(row, now);
        }
    }

    void sendCommand(Command command) {
        hostOf(command.host()).disturbedAt = now;
        if (connected(hostOf(command.host()))) {
            schedule(now.plusMillis(random.nextInt(1000)), new Event.Deliver(command.id()));
        }
    }

    /**
     * Delivers a command only while its workload still holds the command's status (its transient; stopped for a
     * zombie's destroy), and restarts the transient's clock then: the grace counts from when the agent has the
     * command. A command delivered late (its host was cut off) was otherwise judged "did not take" from the report
     * of the very heartbeat that delivered it, and one that outlived its transient (settled, or missing while the host
     * was unreachable) ran against what the user saw: a stale backup held a stack the user had resumed since
     * (FleetScenariosTest.aCommandHeldBackByACut..., aCommandDeliveredAfterItsGrace...).
     */
    private void deliverIfConnected(Command command) {
        SimHost host = hostOf(command.host());
        if (!connected(host)) {
            return;
        }
        store.pending.remove(command);
        host.disturbedAt = now;
        SimStore.Row row = store.rows.get(host.id).get(command.workload());
        WorkloadStatus holds = command.kind().transientStatus().orElse(WorkloadStatus.STOPPED);
        if (row == null || row.status != holds) {
            expiredCommands++;
            note("command " + command.id() + " expired: " + command.workload() + " is "
                    + (row == null ? "gone" : row.status.wireName()));
            return;
        }
        row.statusSince = now;
        row.basisAt = now;
        store.deliveredAt.put(host.id + "/" + command.workload(), now);
        if (host.loseNextCommand || faultyAgents && random.nextInt(30) == 0) {
            host.loseNextCommand = false;
            note("command " + command.id() + " lost by the agent");
            return;
        }
        SimHost.Op op = host.apply(command.kind(), command.workload(), now, random, faultyAgents);
        note("host " + host.index + " applies " + command.kind().wireName() + " " + command.workload()
                + (op == null ? ": nothing to do" : ": until " + op.endsAt()));
        if (op != null) {
            schedule(op.endsAt(), new Event.OpEnds(host.index, command.workload(), op.serial()));
        }
    }

    void scheduleApply(SimMonitor.Planned planned) {
        schedule(now.plusMillis(random.nextLong(MAX_APPLY_DELAY.toMillis() + 1)), new Event.Apply(planned));
    }

    void holdChanged(Instant at, boolean begins) {
        holdChangedAt = at;
        note(begins ? "mass-silence hold begins" : "mass-silence hold ends");
    }

    private void chaos() {
        if (now.isAfter(T0.plus(CHAOS))) {
            return;
        }
        schedule(now.plusSeconds(3 + random.nextInt(28)), new Event.Chaos());
        SimHost host = hosts.get(random.nextInt(hosts.size()));
        int roll = random.nextInt(100);
        if (roll < 35) {
            userCommand(host);
        } else if (roll < 60) {
            note("outside change on host " + host.index + ": " + host.outsideChange(now, random));
        } else if (roll < 66 && host.agentUp) {
            host.agentUp = false;
            schedule(now.plusSeconds(10 + random.nextInt(720)), new Event.AgentBack(host.index));
            note("agent killed on host " + host.index);
        } else if (roll < 72 && host.linkUp) {
            host.linkUp = false;
            schedule(now.plusSeconds(10 + random.nextInt(600)), new Event.LinkBack(host.index));
            note("link cut to host " + host.index);
        } else if (roll < 75 && cut.isEmpty()) {
            cutOff(random.nextBoolean());
        } else if (roll < 77 && replicaUp) {
            replicaUp = false;
            schedule(now.plusSeconds(random.nextInt(240)), new Event.ReplicaBack());
            note("replica down");
        }
    }

    /** A user picks one of a host's workloads and a command its status allows. */
    private void userCommand(SimHost host) {
        List<SimStore.Row> rows = List.copyOf(store.rows.get(host.id).values());
        if (!replicaUp || rows.isEmpty()) {
            return;
        }
        SimStore.Row row = rows.get(random.nextInt(rows.size()));
        List<CommandKind> allowed = switch (row.status) {
            case RUNNING -> List.of(CommandKind.STOP, CommandKind.PAUSE, CommandKind.BACKUP);
            case PAUSED -> List.of(CommandKind.RESUME, CommandKind.STOP, CommandKind.BACKUP);
            case STOPPED, ERROR -> List.of(CommandKind.START);
            default -> List.of();
        };
        if (allowed.isEmpty()) {
            return;
        }
        command(host.index, row.name, allowed.get(random.nextInt(allowed.size())));
    }

    /**
     * A user's command through the API: the row takes the command's transient status (compare-and-set), and its host
     * becomes due for a check. Without that, a command the agent cannot carry out (the stack is gone, the command is
     * lost) leaves the report as it was: no news, no plan, and the transient would never be judged
     * (FleetScenariosTest.aCommandTheAgentCannotCarryOut...).
     */
    void command(int hostIndex, String stack, CommandKind kind) {
        SimHost host = hosts.get(hostIndex);
        SimStore.Row row = store.rows.get(host.id).get(stack);
        WorkloadStatus transientStatus = kind.transientStatus().orElseThrow();
        store.setStatus(host.id, row.id, row.status, transientStatus, now, "user", "user asked to "
                + kind.wireName(), true, null);
        // now, even over an earlier due check: the executor keeps a check that changed since its plan read it, and
        // an earlier one it read would be cleared by the plan made from it
        store.hosts.get(host.id).nextCheckAt = now;
        sendCommand(store.command(host.id, row.name, kind, now));
        note("user " + kind.wireName() + " " + row.name + " on host " + host.index);
    }

    private void cutOff(boolean total) {
        cutSerial++;
        if (total) {
            Set<UUID> reporting = new HashSet<>();
            for (SimHost h : hosts) {
                HostRow row = store.hosts.get(h.id);
                if (connected(h) && row.status != HostStatus.UNREACHABLE && row.lastHeartbeatAt != null
                        && !row.lastHeartbeatAt.plus(maxHeartbeatGap()).isBefore(now)) {
                    reporting.add(h.id);
                }
            }
            reportingAtTotalCut = reporting;
            if (reporting.size() >= rules.massSilenceMinHosts()) {
                guardedTotalCuts++;
            }
            hosts.forEach(h -> cut.add(h.index));
            totalCut = true;
        } else {
            int size = hosts.size() / 2 + 1;
            List<SimHost> shuffled = new ArrayList<>(hosts);
            Collections.shuffle(shuffled, random);
            shuffled.subList(0, size).forEach(h -> cut.add(h.index));
        }
        schedule(now.plusSeconds(20 + random.nextInt(720)), new Event.CutEnds(cutSerial));
        note((total ? "control plane cut off from every host" : "control plane cut off from hosts " + cut));
    }

    private void replicaBack() {
        if (replicaUp) {
            return;
        }
        replicaUp = true;
        replicaUpSince = now;
        monitor.restart(now);
        schedule(now, new Event.Pass(monitor.epoch));
        note("replica back (epoch " + monitor.epoch + ")");
    }

    private void healAll() {
        note("heal everything");
        cutSerial++;
        cut.clear();
        totalCut = false;
        for (SimHost h : hosts) {
            h.agentUp = true;
            h.linkUp = true;
        }
        replicaBack();
        refreshConnections();
    }

    boolean connected(SimHost host) {
        return replicaUp && host.agentUp && host.linkUp && !cut.contains(host.index);
    }

    private void refreshConnections() {
        for (SimHost host : hosts) {
            boolean connected = connected(host);
            if (connected && host.connectedSince == null) {
                host.connectedSince = now;
                host.disturbedAt = now;
            } else if (!connected && host.connectedSince != null) {
                host.connectedSince = null;
                host.disturbedAt = now;
            }
        }
    }

    SimHost hostOf(UUID id) {
        return hosts.stream().filter(h -> h.id.equals(id)).findFirst().orElseThrow();
    }

    private void schedule(Instant at, Event event) {
        queue.add(new Scheduled(at, order++, event));
    }

    void note(String line) {
        if (trace != null) {
            trace.add("+" + Duration.between(T0, now).toMillis() / 1000.0 + "s " + line);
        }
    }
}
