package dev.lifeline.core.fleet;

import static dev.lifeline.core.fleet.Fleet.HOST;
import static dev.lifeline.core.fleet.Fleet.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.fleet.MonitorAction.DestroyZombie;
import dev.lifeline.core.fleet.MonitorAction.NoteDetail;
import dev.lifeline.core.fleet.MonitorAction.RecordWorkload;
import dev.lifeline.core.fleet.MonitorAction.SettleWorkload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Properties of {@link HostReconciler#plan} over generated hosts, records and reports. */
class HostReconcilerPropertiesTest {
    private static final List<String> NAMES = List.of("app", "db", "cache", "proxy", "queue", "web");
    private static final List<String> DETAILS = List.of("", "1/2 containers up", "2/2 containers up");

    /** One host's input: records and report keyed by the names above (absent where null). */
    record Scenario(HostStatus hostStatus, List<WorkloadRecord> rows, HostReport report, Instant now,
            MonitorRules rules, boolean held, long shuffleSeed) {
        HostView host() {
            return new HostView(HOST, hostStatus, T0.minusSeconds(3600), report.receivedAt(),
                    T0.minusSeconds(7200), T0.minusSeconds(7200));
        }

        HostPlan plan() {
            return HostReconciler.plan(host(), rows, report, now, rules, held);
        }

        Map<String, ReportedWorkload> listed() {
            return report.workloads().stream().collect(Collectors.toMap(ReportedWorkload::name, w -> w));
        }

        Map<Long, WorkloadRecord> rowsById() {
            return rows.stream().collect(Collectors.toMap(WorkloadRecord::id, r -> r));
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<HostStatus> hostStatus = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(HostStatus.ONLINE)),
                Tuple.of(1, Arbitraries.just(HostStatus.DRAINING)),
                Tuple.of(1, Arbitraries.just(HostStatus.UNREACHABLE)));
        Arbitrary<Optional<WorkloadRecord>> row = Combinators.combine(Arbitraries.of(WorkloadStatus.class),
                Arbitraries.integers().between(-1200, 1200), Arbitraries.of(DETAILS))
                .as((status, since, detail) -> Optional.of(new WorkloadRecord(0, "?", status, T0.plusSeconds(since),
                        detail.isEmpty() ? null : detail)))
                .injectNull(0.35).map(r -> r == null ? Optional.empty() : r);
        Arbitrary<Optional<ReportedWorkload>> stack = Combinators.combine(
                Arbitraries.of(WorkloadStatus.class).filter(s -> s != WorkloadStatus.MISSING), Arbitraries.of(DETAILS))
                .as((status, detail) -> Optional.of(new ReportedWorkload("?", status, detail.isEmpty() ? null : detail)))
                .injectNull(0.35).map(s -> s == null ? Optional.empty() : s);
        Arbitrary<MonitorRules> rules = Combinators.combine(Arbitraries.integers().between(10, 300),
                Arbitraries.integers().between(60, 1800)).as((grace, snapshot) -> new MonitorRules(
                        Duration.ofSeconds(90), Duration.ofSeconds(grace), Duration.ofSeconds(snapshot), 0.5, 3,
                        Duration.ofSeconds(90)));
        return Combinators.combine(hostStatus, row.list().ofSize(NAMES.size()), stack.list().ofSize(NAMES.size()),
                Arbitraries.integers().between(-300, 2400), Arbitraries.integers().between(0, 300), rules,
                Arbitraries.of(true, false), Arbitraries.longs())
                .as((status, rows, stacks, receivedAt, age, r, held, shuffle) -> {
                    List<WorkloadRecord> named = new ArrayList<>();
                    List<ReportedWorkload> listed = new ArrayList<>();
                    for (int i = 0; i < NAMES.size(); i++) {
                        int index = i;
                        rows.get(i).ifPresent(w -> named.add(new WorkloadRecord(100 + index, NAMES.get(index),
                                w.status(), w.statusSince(), w.detail())));
                        stacks.get(i).ifPresent(s -> listed.add(new ReportedWorkload(NAMES.get(index), s.status(),
                                s.detail())));
                    }
                    Instant received = T0.plusSeconds(receivedAt);
                    return new Scenario(status, named, new HostReport(receivedAt, received, listed),
                            received.plusSeconds(age), r, held, shuffle);
                });
    }

    private static List<SettleWorkload> settles(HostPlan plan) {
        return plan.actions().stream().filter(a -> a instanceof SettleWorkload).map(a -> (SettleWorkload) a).toList();
    }

    private static boolean destructive(MonitorAction action, Scenario s) {
        return action instanceof DestroyZombie
                || action instanceof SettleWorkload w && !s.listed().containsKey(w.workload())
                        && !s.rowsById().get(w.workloadId()).status().isTransient();
    }

    private static WorkloadStatus target(WorkloadStatus changing) {
        return switch (changing) {
            case STARTING, RESUMING -> WorkloadStatus.RUNNING;
            case PAUSING -> WorkloadStatus.PAUSED;
            case STOPPING -> WorkloadStatus.STOPPED;
            default -> null;
        };
    }

    @Property
    void everySettleExpectsTheRecordsStatus(@ForAll("scenarios") Scenario s) {
        Map<Long, WorkloadRecord> rows = s.rowsById();
        for (SettleWorkload settle : settles(s.plan())) {
            assertThat(settle.expected()).isEqualTo(rows.get(settle.workloadId()).status());
        }
    }

    @Property
    void noTransientAndNoMissingIsEverWritten(@ForAll("scenarios") Scenario s) {
        for (MonitorAction action : s.plan().actions()) {
            WorkloadStatus written = switch (action) {
                case SettleWorkload w -> w.next();
                case RecordWorkload r -> r.status();
                default -> WorkloadStatus.RUNNING;
            };
            assertThat(written.isTransient()).as("%s", action).isFalse();
            assertThat(written).isNotEqualTo(WorkloadStatus.MISSING);
        }
    }

    @Property
    void aRecordThatAgreesWithTheReportGetsNoAction(@ForAll("scenarios") Scenario s) {
        Map<String, ReportedWorkload> listed = s.listed();
        Set<Long> agreeing = s.rows().stream().filter(r -> listed.containsKey(r.name())
                && listed.get(r.name()).status() == r.status()
                && Objects.equals(listed.get(r.name()).detail(), r.detail()))
                .map(WorkloadRecord::id).collect(Collectors.toSet());
        for (MonitorAction action : s.plan().actions()) {
            Long id = switch (action) {
                case SettleWorkload w -> w.workloadId();
                case NoteDetail n -> n.workloadId();
                case DestroyZombie d -> d.workloadId();
                default -> null;
            };
            assertThat(agreeing).as("%s", action).doesNotContain(id);
        }
    }

    @Property
    void aStackAliveOnTheHostIsNeverSetDownAndASettledOneIsTakenAsReported(@ForAll("scenarios") Scenario s) {
        Map<String, ReportedWorkload> listed = s.listed();
        for (SettleWorkload settle : settles(s.plan())) {
            ReportedWorkload seen = listed.get(settle.workload());
            if (seen != null && seen.status().isAliveOnHost()) {
                assertThat(settle.next()).as("%s", settle).isIn(WorkloadStatus.RUNNING, WorkloadStatus.PAUSED);
            }
            if (seen != null) {
                assertThat(settle.next()).as("%s", settle).isEqualTo(seen.status());
            }
        }
    }

    @Property
    void nothingDestructiveRunsUnderAHoldAndNothingElseIsHeld(@ForAll("scenarios") Scenario s) {
        HostPlan free = HostReconciler.plan(s.host(), s.rows(), s.report(), s.now(), s.rules(), false);
        HostPlan held = HostReconciler.plan(s.host(), s.rows(), s.report(), s.now(), s.rules(), true);
        assertThat(held.actions()).noneMatch(a -> destructive(a, s));
        List<MonitorAction> withheld = new ArrayList<>(free.actions());
        withheld.removeAll(held.actions());
        assertThat(free.actions()).containsAll(held.actions());
        assertThat(withheld).allMatch(a -> destructive(a, s));
        if (!withheld.isEmpty()) {
            assertThat(held.nextCheck()).as("a held action is looked at again").isPresent();
        }
    }

    @Property
    void thePlanIsTheSameWhateverTheOrderOfItsInput(@ForAll("scenarios") Scenario s) {
        List<WorkloadRecord> rows = new ArrayList<>(s.rows());
        List<ReportedWorkload> stacks = new ArrayList<>(s.report().workloads());
        Random random = new Random(s.shuffleSeed());
        Collections.shuffle(rows, random);
        Collections.shuffle(stacks, random);
        HostReport report = new HostReport(s.report().sequence(), s.report().receivedAt(), stacks);
        assertThat(HostReconciler.plan(s.host(), rows, report, s.now(), s.rules(), s.held())).isEqualTo(s.plan());
    }

    @Property
    void theActionsDependOnTheEvidenceNotOnTheClock(@ForAll("scenarios") Scenario s) {
        HostPlan later = HostReconciler.plan(s.host(), s.rows(), s.report(), s.now().plusSeconds(3600), s.rules(),
                s.held());
        assertThat(later.actions()).isEqualTo(s.plan().actions());
    }

    @Property
    void actionsNameOnlyTheHostsOwnRecordsAndListedStacks(@ForAll("scenarios") Scenario s) {
        Map<Long, WorkloadRecord> rows = s.rowsById();
        Set<String> recorded = s.rows().stream().map(WorkloadRecord::name).collect(Collectors.toSet());
        for (MonitorAction action : s.plan().actions()) {
            switch (action) {
                case SettleWorkload w -> {
                    assertThat(w.host()).isEqualTo(HOST);
                    assertThat(rows.get(w.workloadId()).name()).isEqualTo(w.workload());
                }
                case DestroyZombie d -> {
                    assertThat(d.host()).isEqualTo(HOST);
                    assertThat(rows.get(d.workloadId()).name()).isEqualTo(d.workload());
                }
                case NoteDetail n -> {
                    assertThat(n.host()).isEqualTo(HOST);
                    assertThat(rows).containsKey(n.workloadId());
                }
                case RecordWorkload r -> {
                    assertThat(r.host()).isEqualTo(HOST);
                    assertThat(s.listed()).containsKey(r.workload());
                    assertThat(recorded).doesNotContain(r.workload());
                }
                default -> throw new AssertionError("a host's plan holds only workload actions: " + action);
            }
        }
    }

    @Property
    void theNextCheckIsAfterNowAndSetOnlyWhileAGraceIsPendingOrAnActionHeld(@ForAll("scenarios") Scenario s) {
        HostPlan plan = s.plan();
        plan.nextCheck().ifPresent(next -> assertThat(next).isAfter(s.now()));
        boolean anyChanging = s.rows().stream().anyMatch(r -> r.status().isTransient());
        boolean destroys = plan.actions().stream().anyMatch(a -> a instanceof DestroyZombie);
        if (!anyChanging && !s.held()) {
            assertThat(plan.nextCheck().isPresent()).isEqualTo(destroys);
        }
        if (!anyChanging && s.held()) {
            HostPlan free = HostReconciler.plan(s.host(), s.rows(), s.report(), s.now(), s.rules(), false);
            assertThat(plan.nextCheck().isPresent()).isEqualTo(free.actions().size() > plan.actions().size());
        }
    }

    @Property
    void aReportReceivedWithinTheGraceSettlesACommandOnlyAsCompleted(@ForAll("scenarios") Scenario s) {
        Map<Long, WorkloadRecord> rows = s.rowsById();
        for (SettleWorkload settle : settles(s.plan())) {
            WorkloadRecord row = rows.get(settle.workloadId());
            Duration grace = row.status() == WorkloadStatus.SNAPSHOTTING
                    && s.listed().containsKey(row.name()) && s.listed().get(row.name()).status().isAliveOnHost()
                    ? s.rules().snapshotGrace() : s.rules().transientGrace();
            if (row.status().isTransient() && s.report().receivedAt().isBefore(row.statusSince().plus(grace))) {
                assertThat(settle.next()).as("%s", settle).isEqualTo(target(row.status()));
            }
        }
    }

    @Property
    void applyingThePlanAndPlanningAgainChangesNothingMore(@ForAll("scenarios") Scenario s) {
        HostPlan plan = s.plan();
        Map<String, WorkloadRecord> byName = new HashMap<>(s.rows().stream()
                .collect(Collectors.toMap(WorkloadRecord::name, Function.identity())));
        Map<Long, String> names = s.rows().stream().collect(Collectors.toMap(WorkloadRecord::id, WorkloadRecord::name));
        long nextId = 1000;
        for (MonitorAction action : plan.actions()) {
            switch (action) {
                case SettleWorkload w -> byName.computeIfPresent(w.workload(),
                        (n, r) -> new WorkloadRecord(r.id(), n, w.next(), s.now(), r.detail()));
                case NoteDetail d -> byName.computeIfPresent(names.get(d.workloadId()),
                        (n, r) -> new WorkloadRecord(r.id(), n, r.status(), r.statusSince(), d.detail()));
                case RecordWorkload r -> byName.put(r.workload(),
                        new WorkloadRecord(nextId++, r.workload(), r.status(), s.now(), r.detail()));
                default -> { }
            }
        }
        HostPlan again = HostReconciler.plan(s.host(), List.copyOf(byName.values()), s.report(), s.now(), s.rules(),
                s.held());
        assertThat(again.actions()).as("after %s", plan.actions()).allMatch(a -> a instanceof DestroyZombie);
    }
}
