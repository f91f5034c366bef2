package dev.lifeline.control.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.lifeline.control.lease.HostLeases;
import dev.lifeline.control.lease.Replica;
import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.TestDatabases;
import dev.lifeline.control.store.monitor.MonitorWrites;
import dev.lifeline.control.store.monitor.TestFleet;
import dev.lifeline.control.store.monitor.TestFleet.AuditEvent;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.MonitorRules;
import dev.lifeline.core.fleet.ReportedWorkload;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MonitorPassTest {
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
    private static final Instant LONG_AGO = T0.minus(Duration.ofHours(1));
    private static final MonitorRules RULES = MonitorRules.defaults(); // 90 s, grace 2 min, failover 90 s
    private static final Duration LEASE = Duration.ofSeconds(30);

    private Database db;
    private TestFleet fleet;
    private long team;
    private final Map<String, MonitorPass> replicas = new HashMap<>();

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        fleet = new TestFleet(db);
        team = fleet.team("default");
    }

    @AfterEach
    void tearDown() {
        TestFleet.closeAndDrop(db);
    }

    @Test
    void aHostWithNewsIsReconciledAgainstItsReportOnce() {
        UUID host = fleet.host(team, HostStatus.ONLINE, T0);
        long app = fleet.workload(host, "app", WorkloadStatus.RUNNING, LONG_AGO);
        long gone = fleet.workload(host, "db", WorkloadStatus.RUNNING, LONG_AGO);
        fleet.report(host, T0, new ReportedWorkload("app", WorkloadStatus.RUNNING, "1/1 up"));

        PassResult first = pass("a", T0.plusSeconds(1));
        PassResult second = pass("a", T0.plusSeconds(11));

        assertThat(first.planned()).isEqualTo(1);
        assertThat(fleet.status(app)).isEqualTo(WorkloadStatus.RUNNING);
        assertThat(fleet.detail(app)).isEqualTo("1/1 up");
        assertThat(fleet.status(gone)).isEqualTo(WorkloadStatus.STOPPED);
        assertThat(fleet.audit()).extracting(AuditEvent::workload, AuditEvent::action, AuditEvent::before,
                AuditEvent::after, AuditEvent::actor)
                .containsExactly(tuple("db", MonitorWrites.SETTLED, "running", "stopped", "a"));
        assertThat(fleet.reconciledSeq(host)).isEqualTo(1);
        assertThat(fleet.reportChanges(host)).as("its change list reconciled").isEmpty();
        assertThat(second.planned()).isZero();
        assertThat(second.workloadsRead()).isZero();
    }

    @Test
    void ofAHostWithNewsOnlyTheChangedStacksAreComparedUnlessTheHostIsDueThenAllAre() {
        UUID host = fleet.host(team, HostStatus.ONLINE, T0);
        long app = fleet.workload(host, "app", WorkloadStatus.RUNNING, LONG_AGO);
        long db2 = fleet.workload(host, "db", WorkloadStatus.RUNNING, LONG_AGO);
        fleet.report(host, T0, new ReportedWorkload("app", WorkloadStatus.RUNNING, null),
                new ReportedWorkload("db", WorkloadStatus.RUNNING, null));
        leaseAllTo("a");
        pass("a", T0.plusSeconds(1));
        assertThat(fleet.reportChanges(host)).isEmpty();
        // a record that drifts from an unchanged report with no transient status between (no path of the product
        // writes one: this stands for what a lost race leaves, which makes the host due)
        db.jdbi().useHandle(h -> h.execute("UPDATE workloads SET status = 'paused' WHERE name = 'db'"));

        fleet.report(host, T0.plusSeconds(5), new ReportedWorkload("app", WorkloadStatus.PAUSED, null),
                new ReportedWorkload("db", WorkloadStatus.RUNNING, null));
        assertThat(fleet.reportChanges(host)).containsExactly("app");
        PassResult changed = pass("a", T0.plusSeconds(11));

        assertThat(changed.workloadsRead()).as("app's row only").isEqualTo(1);
        assertThat(fleet.status(app)).isEqualTo(WorkloadStatus.PAUSED);
        assertThat(fleet.status(db2)).as("off the change list").isEqualTo(WorkloadStatus.PAUSED);

        db.jdbi().useHandle(h -> h.execute("UPDATE hosts SET next_check_at = '2026-12-06T12:00:15Z'"));
        pass("a", T0.plusSeconds(21));
        assertThat(fleet.status(db2)).as("a due host is compared whole").isEqualTo(WorkloadStatus.RUNNING);
    }

    @Test
    void everyKindOfActionIsAppliedInOnePass() {
        UUID back = fleet.host(team, HostStatus.ONLINE, T0);
        long missing = fleet.workload(back, "app", WorkloadStatus.MISSING, LONG_AGO);
        long zombie = fleet.workload(back, "old", WorkloadStatus.STOPPED, LONG_AGO);
        fleet.report(back, T0, new ReportedWorkload("app", WorkloadStatus.RUNNING, "up"),
                new ReportedWorkload("old", WorkloadStatus.PAUSED, "paused"),
                new ReportedWorkload("new", WorkloadStatus.STOPPED, "down"));
        UUID silent = fleet.host(team, HostStatus.ONLINE, T0.minus(Duration.ofMinutes(10)));
        long lost = fleet.workload(silent, "web", WorkloadStatus.RUNNING, LONG_AGO);
        for (int i = 0; i < 3; i++) {
            fleet.host(team, HostStatus.ONLINE, T0);
        }
        leaseAllTo("a");

        PassResult result = pass("a", T0.plusSeconds(1));

        assertThat(result.applied().counts()).containsOnly(Map.entry(ActionKind.SETTLE, 1),
                Map.entry(ActionKind.RECORD, 1), Map.entry(ActionKind.NOTE_DETAIL, 2),
                Map.entry(ActionKind.DESTROY_ZOMBIE, 1), Map.entry(ActionKind.MARK_UNREACHABLE, 1),
                Map.entry(ActionKind.MARK_MISSING, 1));
        assertThat(fleet.status(missing)).isEqualTo(WorkloadStatus.RUNNING);
        assertThat(fleet.status(zombie)).isEqualTo(WorkloadStatus.STOPPED);
        assertThat(fleet.status(back, "new")).isEqualTo(WorkloadStatus.STOPPED);
        assertThat(fleet.commands()).extracting(TestFleet.CommandRow::workload, TestFleet.CommandRow::kind)
                .containsExactly(tuple("old", "destroy"));
        assertThat(fleet.hostStatus(silent)).isEqualTo(HostStatus.UNREACHABLE);
        assertThat(fleet.status(lost)).isEqualTo(WorkloadStatus.MISSING);
        assertThat(fleet.audit()).extracting(AuditEvent::action).containsExactlyInAnyOrder(
                MonitorWrites.DISCOVERED, MonitorWrites.ZOMBIE_DESTROY, MonitorWrites.UNREACHABLE,
                MonitorWrites.MISSING); // the missing workload found running again is restored quietly
    }

    @Test
    void aPassReadsOnlyTheHostsWithNewsAndOfThemOnlyWhatChangedSoItsCostFollowsTheChange() {
        List<UUID> hosts = fleet.seed(team, 200, 10, T0);
        leaseAllTo("a");
        assertThat(pass("a", T0).planned()).as("a replica's first pass looks at every host once").isEqualTo(200);
        fleet.twoChangesOn(hosts.subList(0, 2), T0.plusSeconds(1));

        PassResult result = pass("a", T0.plusSeconds(2));

        assertThat(result.tracked()).isEqualTo(200);
        assertThat(result.planned()).isEqualTo(2);
        assertThat(result.workloadsRead()).isEqualTo(4); // w0 and w1 of two hosts: the 18 others match their report
        assertThat(result.applied().count(ActionKind.SETTLE)).isEqualTo(4);
        assertThat(fleet.status(hosts.get(0), "w0")).isEqualTo(WorkloadStatus.STOPPED);
        assertThat(fleet.status(hosts.get(0), "w1")).isEqualTo(WorkloadStatus.PAUSED);
        assertThat(fleet.status(hosts.get(2), "w0")).isEqualTo(WorkloadStatus.RUNNING);
    }

    @Test
    void aPassOverAThousandHostsCostsTheSameRoundTripsAsOverTen() {
        List<UUID> few = fleet.seed(team, 10, 20, T0);
        leaseAllTo("a");
        fleet.twoChangesOn(few, T0.plusSeconds(1));
        PassResult small = pass("a", T0.plusSeconds(2));

        List<UUID> many = fleet.seed(team, 1000, 20, T0.plusSeconds(3));
        leaseAllTo("a");
        fleet.twoChangesOn(many, T0.plusSeconds(4));
        PassResult large = pass("a", T0.plusSeconds(5));

        assertThat(small.planned()).isEqualTo(10);
        assertThat(large.planned()).isEqualTo(1000);
        assertThat(large.applied().count(ActionKind.SETTLE)).isEqualTo(2000);
        assertThat(fleet.count("SELECT count(*) FROM audit_events")).isEqualTo(2020);
        assertThat(large.roundTrips()).isEqualTo(small.roundTrips());
        assertThat(large.roundTrips()).isLessThanOrEqualTo(8);
    }

    @Test
    void aCommandAPersonStartedIsWatchedUntilItsGraceRunsOutThoughNoReportChanges() {
        UUID host = fleet.host(team, HostStatus.ONLINE, T0);
        long app = fleet.workload(host, "app", WorkloadStatus.STOPPED, LONG_AGO);
        fleet.report(host, T0, new ReportedWorkload("app", WorkloadStatus.STOPPED, null));
        pass("a", T0.plusSeconds(1));

        Instant started = T0.plusSeconds(5);
        assertThat(fleet.userChanges(app, WorkloadStatus.STOPPED, WorkloadStatus.STARTING, started)).isTrue();
        PassResult noticed = pass("a", T0.plusSeconds(20));
        Instant deadline = started.plus(RULES.transientGrace());
        fleet.heartbeat(host, deadline.plusSeconds(5)); // still stopped on the host
        for (Instant t = T0.plusSeconds(30); t.isBefore(deadline); t = t.plusSeconds(10)) {
            assertThat(pass("a", t).planned()).as("at %s", t).isZero();
        }
        PassResult afterDeadline = pass("a", deadline.plusSeconds(10));

        assertThat(noticed.planned()).isEqualTo(1);
        assertThat(afterDeadline.planned()).isEqualTo(1);
        assertThat(fleet.audit()).extracting(AuditEvent::before, AuditEvent::after)
                .containsExactly(tuple("starting", "stopped"));
        assertThat(fleet.nextCheckAt(host)).isNull();
    }

    @Test
    void aUsersWriteThatLandsDuringThePassWinsAndTheHostIsLookedAtAgain() throws Exception {
        UUID host = fleet.host(team, HostStatus.ONLINE, T0);
        long app = fleet.workload(host, "app", WorkloadStatus.RUNNING, LONG_AGO);
        fleet.report(host, T0); // app gone from the host: the monitor will stop the record

        try (Handle user = db.jdbi().open()) {
            user.begin();
            user.execute("UPDATE workloads SET status = 'starting', status_since = ? WHERE id = ?",
                    T0.plusSeconds(1).atOffset(ZoneOffset.UTC), app);
            CompletableFuture<PassResult> monitor = CompletableFuture.supplyAsync(() -> pass("a", T0.plusSeconds(2)));
            Thread.sleep(300); // the pass waits on the row the user's transaction holds
            user.commit();
            PassResult raced = monitor.get(10, TimeUnit.SECONDS);
            assertThat(raced.applied().raced()).containsExactly(host);
        }
        assertThat(fleet.status(app)).isEqualTo(WorkloadStatus.STARTING);
        assertThat(fleet.audit()).isEmpty();
        assertThat(fleet.nextCheckAt(host)).isEqualTo(T0.plusSeconds(2));
        assertThat(pass("a", T0.plusSeconds(12)).planned()).isEqualTo(1);
    }

    @Test
    void aHostBackWithTheReportItSentBeforeItsSilenceIsReconciledSinceTheIngestMadeItDue() {
        UUID host = fleet.host(team, HostStatus.ONLINE, T0);
        long app = fleet.workload(host, "app", WorkloadStatus.RUNNING, LONG_AGO);
        fleet.report(host, T0, new ReportedWorkload("app", WorkloadStatus.RUNNING, null));
        leaseAllTo("a");
        pass("a", T0.plusSeconds(1));
        db.jdbi().useHandle(h -> h.execute(
                "UPDATE hosts SET status = 'unreachable'; UPDATE workloads SET status = 'missing'"));

        fleet.comesBackUnchanged(host, T0.plusSeconds(300));
        PassResult back = pass("a", T0.plusSeconds(301));

        assertThat(back.planned()).isEqualTo(1);
        assertThat(fleet.status(app)).isEqualTo(WorkloadStatus.RUNNING);
        assertThat(fleet.nextCheckAt(host)).isNull();
    }

    @Test
    void aCommandStartedBeforeItsHostChangedReplicaIsWatchedByTheNewHolder() {
        List<UUID> hosts = fleet.seed(team, 10, 3, T0);
        splitBetweenTwoReplicas(); // 5 and 5
        UUID ofB = db.jdbi().withHandle(h -> h.createQuery("SELECT host_id FROM leases WHERE holder = 'b' LIMIT 1")
                .mapTo(UUID.class).one());
        long app = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT id FROM workloads WHERE host_id = :host AND name = 'w0'").bind("host", ofB)
                .mapTo(Long.class).one());
        Instant started = T0.plusSeconds(12);
        fleet.userChanges(app, WorkloadStatus.RUNNING, WorkloadStatus.STOPPING, started); // b dies before its pass
        for (int s = 20; s <= 60; s += 10) {
            fleet.everyoneHeartbeats(T0.plusSeconds(s));
            pass("a", T0.plusSeconds(s)); // a's passes, from T0 + 20 s on, look for changes after its previous one
        }
        assertThat(fleet.nextCheckAt(ofB)).as("a took b's host after its lease ran out and planned it")
                .isEqualTo(started.plus(RULES.transientGrace()));

        Instant late = started.plus(RULES.transientGrace()).plusSeconds(10);
        fleet.everyoneHeartbeats(late); // the host still reports w0 running: the stop did not take
        pass("a", late);

        assertThat(hosts).contains(ofB);
        assertThat(fleet.status(app)).isEqualTo(WorkloadStatus.RUNNING);
    }

    @Test
    void aSilentHostTurnsUnreachableOnlyOnceTheFailoverGraceHasPassed() {
        UUID silent = fleet.host(team, HostStatus.ONLINE, T0.minus(Duration.ofMinutes(10)));
        long app = fleet.workload(silent, "app", WorkloadStatus.RUNNING, LONG_AGO);
        for (int i = 0; i < 3; i++) {
            fleet.host(team, HostStatus.ONLINE, T0);
        }

        for (Instant t = T0; t.isBefore(T0.plus(RULES.failoverGrace())); t = t.plusSeconds(10)) {
            fleet.everyoneHeartbeats(t, silent); // this replica starts watching at T0: the grace runs from there
            assertThat(pass("a", t).applied().unreachable()).as("at %s", t).isEmpty();
        }
        fleet.everyoneHeartbeats(T0.plus(RULES.failoverGrace()), silent);
        PassResult pastGrace = pass("a", T0.plus(RULES.failoverGrace()));

        assertThat(pastGrace.applied().unreachable()).containsExactly(silent);
        assertThat(fleet.status(app)).isEqualTo(WorkloadStatus.MISSING);
    }

    @Test
    void aMassSilenceHoldsEveryDestructiveStepAndIsAuditedOnceWhenItBeginsAndWhenItEnds() {
        List<UUID> hosts = fleet.seed(team, 6, 3, LONG_AGO);
        leaseAllTo("a");
        List<UUID> silent = hosts.subList(0, 4);
        UUID talking = hosts.get(4);
        fleet.everyoneHeartbeats(T0, silent.toArray(UUID[]::new));
        fleet.twoChangesOn(List.of(talking), T0); // w0 gone: an orphan, destructive to record as stopped

        PassResult first = pass("a", T0.plusSeconds(1));
        PassResult second = pass("a", T0.plusSeconds(11));

        assertThat(first.holding()).isTrue();
        assertThat(first.applied().unreachable()).isEmpty();
        assertThat(second.holding()).isTrue();
        assertThat(silent).allSatisfy(h -> assertThat(fleet.hostStatus(h)).isEqualTo(HostStatus.ONLINE));
        assertThat(fleet.status(talking, "w0")).isEqualTo(WorkloadStatus.RUNNING);
        assertThat(fleet.status(talking, "w1")).isEqualTo(WorkloadStatus.PAUSED); // not destructive: applied
        assertThat(fleet.audit()).filteredOn(e -> e.hostId() == null).extracting(AuditEvent::action, AuditEvent::teamId)
                .containsExactly(tuple(MonitorWrites.MASS_SILENCE_HOLD, null));

        fleet.everyoneHeartbeats(T0.plusSeconds(20));
        PassResult over = pass("a", T0.plusSeconds(21));

        assertThat(over.holding()).isFalse();
        assertThat(fleet.status(talking, "w0")).isEqualTo(WorkloadStatus.STOPPED);
        assertThat(fleet.audit()).filteredOn(e -> e.hostId() == null).extracting(AuditEvent::action)
                .containsExactly(MonitorWrites.MASS_SILENCE_HOLD, MonitorWrites.MASS_SILENCE_END);
    }

    @Test
    void twoReplicasSplitTheFleetAndNeverReconcileTheSameHost() throws Exception {
        List<UUID> hosts = fleet.seed(team, 40, 5, T0);
        splitBetweenTwoReplicas();
        fleet.twoChangesOn(hosts, T0.plusSeconds(12));
        fleet.everyoneHeartbeats(T0.plusSeconds(12));

        CompletableFuture<PassResult> a = CompletableFuture.supplyAsync(() -> pass("a", T0.plusSeconds(20)));
        CompletableFuture<PassResult> b = CompletableFuture.supplyAsync(() -> pass("b", T0.plusSeconds(20)));
        PassResult ofA = a.get(20, TimeUnit.SECONDS);
        PassResult ofB = b.get(20, TimeUnit.SECONDS);

        assertThat(ofA.tracked()).isEqualTo(20);
        assertThat(ofB.tracked()).isEqualTo(20);
        assertThat(ofA.planned() + ofB.planned()).isEqualTo(40);
        assertThat(fleet.audit()).hasSize(80); // two changes per host, each written by one replica only
        assertThat(fleet.audit().stream().map(e -> e.hostId() + "/" + e.workload()).distinct()).hasSize(80);
    }

    @Test
    void theHostsOfAReplicaThatStopsRenewingAreReconciledByTheOtherAfterOneLeasePeriod() {
        List<UUID> hosts = fleet.seed(team, 10, 3, T0);
        splitBetweenTwoReplicas(); // 5 and 5; b is never heard from again
        fleet.twoChangesOn(hosts, T0.plusSeconds(12));
        fleet.everyoneHeartbeats(T0.plusSeconds(40));

        PassResult stillLeased = pass("a", T0.plusSeconds(40));
        PassResult expired = pass("a", T0.plusSeconds(11).plus(LEASE).plusSeconds(1));

        assertThat(stillLeased.tracked()).isEqualTo(5);
        assertThat(expired.tracked()).isEqualTo(10);
        assertThat(expired.planned()).isEqualTo(5);
        assertThat(hosts).allSatisfy(h -> assertThat(fleet.status(h, "w0")).isEqualTo(WorkloadStatus.STOPPED));
    }

    /** a takes every host, b joins, a gives half back, b takes it; last passes at T0 + 10 s and + 11 s. */
    private void splitBetweenTwoReplicas() {
        pass("a", T0);
        pass("b", T0.plusSeconds(1));
        pass("a", T0.plusSeconds(10));
        pass("b", T0.plusSeconds(11));
    }

    private PassResult pass(String replica, Instant now) {
        return replicas.computeIfAbsent(replica, id -> new MonitorPass(db.jdbi(),
                new HostLeases(new Replica(id, LONG_AGO), LEASE), RULES)).run(now);
    }

    /** Leases every host to the replica as if it had held them for an hour (no failover grace left). */
    private void leaseAllTo(String replica) {
        db.jdbi().useHandle(h -> h.execute("""
                INSERT INTO leases (host_id, holder, acquired_at, expires_at)
                SELECT id, ?, ?, ? FROM hosts ON CONFLICT (host_id) DO NOTHING
                """, replica, LONG_AGO.atOffset(ZoneOffset.UTC), T0.plus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC)));
    }
}
