package dev.lifeline.control.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.TestDatabases;
import dev.lifeline.control.store.monitor.MonitorReads;
import dev.lifeline.control.store.monitor.MonitorWrites;
import dev.lifeline.control.store.monitor.TestFleet;
import dev.lifeline.control.store.monitor.TestFleet.AuditEvent;
import dev.lifeline.control.store.monitor.WorkloadRow;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.MonitorAction;
import dev.lifeline.core.fleet.MonitorAction.DestroyZombie;
import dev.lifeline.core.fleet.MonitorAction.HoldForMassSilence;
import dev.lifeline.core.fleet.MonitorAction.MarkUnreachable;
import dev.lifeline.core.fleet.MonitorAction.NoteDetail;
import dev.lifeline.core.fleet.MonitorAction.RecordWorkload;
import dev.lifeline.core.fleet.MonitorAction.SettleWorkload;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

class PlanExecutorTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final Instant EARLIER = NOW.minus(Duration.ofHours(1));
    private static final String REPLICA = "control-a-1f2e3d";

    private Database db;
    private TestFleet fleet;
    private long team;
    private UUID host;
    private final PlanExecutor executor = new PlanExecutor(REPLICA);

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        fleet = new TestFleet(db);
        team = fleet.team("default");
        host = fleet.host(team, HostStatus.ONLINE, NOW.minusSeconds(10));
    }

    @AfterEach
    void tearDown() {
        TestFleet.closeAndDrop(db);
    }

    @Test
    void settlesWorkloadsAndAuditsOnlyTheAuditedOnes() {
        long app = fleet.workload(host, "app", WorkloadStatus.MISSING, EARLIER);
        long db2 = fleet.workload(host, "db", WorkloadStatus.RUNNING, EARLIER);

        Applied applied = apply(List.of(
                new SettleWorkload(host, app, "app", WorkloadStatus.MISSING, WorkloadStatus.RUNNING,
                        "alive on host again", false),
                new SettleWorkload(host, db2, "db", WorkloadStatus.RUNNING, WorkloadStatus.STOPPED,
                        "orphaned: not in the host's report", true)));

        assertThat(applied.count(ActionKind.SETTLE)).isEqualTo(2);
        assertThat(applied.raced()).isEmpty();
        assertThat(fleet.status(app)).isEqualTo(WorkloadStatus.RUNNING);
        assertThat(fleet.status(db2)).isEqualTo(WorkloadStatus.STOPPED);
        assertThat(fleet.audit()).containsExactly(new AuditEvent(team, host, "db", "system", REPLICA,
                MonitorWrites.SETTLED, "orphaned: not in the host's report", "ok", "running", "stopped"));
    }

    @Test
    void aSettleThatFindsAnotherStatusIsSkippedWithoutAnEvent() {
        long app = fleet.workload(host, "app", WorkloadStatus.STARTING, EARLIER);

        Applied applied = apply(List.of(new SettleWorkload(host, app, "app", WorkloadStatus.RUNNING,
                WorkloadStatus.STOPPED, "orphaned", true)));

        assertThat(applied.count(ActionKind.SETTLE)).isZero();
        assertThat(applied.raced()).containsExactly(host);
        assertThat(fleet.status(app)).isEqualTo(WorkloadStatus.STARTING);
        assertThat(fleet.audit()).isEmpty();
    }

    @Test
    void aUsersCommandCommittedWhileTheSettleWaitsOnItsRowWins() throws Exception {
        long app = fleet.workload(host, "app", WorkloadStatus.RUNNING, EARLIER);
        try (Handle user = db.jdbi().open()) {
            user.begin();
            user.execute("UPDATE workloads SET status = 'stopping' WHERE id = ?", app);

            CompletableFuture<Applied> monitor = CompletableFuture.supplyAsync(() -> apply(List.of(
                    new SettleWorkload(host, app, "app", WorkloadStatus.RUNNING, WorkloadStatus.STOPPED,
                            "orphaned", true))));
            Thread.sleep(300); // let the monitor's update reach the row lock the user holds
            assertThat(monitor).isNotDone();
            user.commit();

            Applied applied = monitor.get(10, TimeUnit.SECONDS);
            assertThat(applied.count(ActionKind.SETTLE)).isZero();
            assertThat(applied.raced()).containsExactly(host);
        }
        assertThat(fleet.status(app)).isEqualTo(WorkloadStatus.STOPPING);
        assertThat(fleet.audit()).isEmpty();
    }

    @Test
    void recordsADiscoveredStackInItsHostsTeamOnce() {
        List<MonitorAction> discover = List.of(new RecordWorkload(host, "immich", WorkloadStatus.RUNNING,
                "3/3 up", "discovered: reported by the host, not recorded"));

        Applied first = apply(discover);
        Applied again = apply(discover);

        assertThat(first.count(ActionKind.RECORD)).isEqualTo(1);
        assertThat(again.count(ActionKind.RECORD)).isZero();
        assertThat(fleet.status(host, "immich")).isEqualTo(WorkloadStatus.RUNNING);
        assertThat(fleet.audit()).containsExactly(new AuditEvent(team, host, "immich", "system", REPLICA,
                MonitorWrites.DISCOVERED, "discovered: reported by the host, not recorded", "ok", null, "running"));
    }

    @Test
    void notesADetailWithoutAnEvent() {
        long app = fleet.workload(host, "app", WorkloadStatus.RUNNING, EARLIER);

        Applied applied = apply(List.of(new NoteDetail(host, app, "2/3 containers up")));

        assertThat(applied.count(ActionKind.NOTE_DETAIL)).isEqualTo(1);
        assertThat(fleet.detail(app)).isEqualTo("2/3 containers up");
        assertThat(fleet.audit()).isEmpty();
    }

    @Test
    void aZombieGetsOneDestroyCommandWhileItsFirstIsOpen() {
        long zombie = fleet.workload(host, "old", WorkloadStatus.STOPPED, EARLIER);
        List<MonitorAction> destroy = List.of(new DestroyZombie(host, zombie, "old",
                "zombie: recorded stopped, paused on the host"));

        Applied first = apply(destroy);
        Applied again = apply(destroy);

        assertThat(first.count(ActionKind.DESTROY_ZOMBIE)).isEqualTo(1);
        assertThat(again.count(ActionKind.DESTROY_ZOMBIE)).isZero();
        assertThat(fleet.commands()).containsExactly(
                new TestFleet.CommandRow(host, team, "old", "destroy", "pending", "system"));
        assertThat(fleet.audit()).extracting(AuditEvent::action, AuditEvent::workload, AuditEvent::actor)
                .containsExactly(tuple(MonitorWrites.ZOMBIE_DESTROY, "old", REPLICA));
    }

    @Test
    void aZombieTheUserStartedMeanwhileIsLeftAlone() {
        long zombie = fleet.workload(host, "old", WorkloadStatus.STARTING, EARLIER);

        Applied applied = apply(List.of(new DestroyZombie(host, zombie, "old", "zombie")));

        assertThat(applied.count(ActionKind.DESTROY_ZOMBIE)).isZero();
        assertThat(fleet.commands()).isEmpty();
        assertThat(fleet.audit()).isEmpty();
    }

    @Test
    void aSilentHostTurnsUnreachableAndItsActiveWorkloadsMissing() {
        Instant heard = NOW.minusSeconds(120);
        UUID silent = fleet.host(team, HostStatus.ONLINE, heard);
        long running = fleet.workload(silent, "app", WorkloadStatus.RUNNING, EARLIER);
        long paused = fleet.workload(silent, "cache", WorkloadStatus.PAUSED, EARLIER);
        long starting = fleet.workload(silent, "web", WorkloadStatus.STARTING, EARLIER);
        long stopped = fleet.workload(silent, "batch", WorkloadStatus.STOPPED, EARLIER);
        long error = fleet.workload(silent, "broken", WorkloadStatus.ERROR, EARLIER);

        Applied applied = apply(List.of(new MarkUnreachable(silent, heard, "no heartbeat for 120 s")));

        assertThat(applied.unreachable()).containsExactly(silent);
        assertThat(applied.count(ActionKind.MARK_UNREACHABLE)).isEqualTo(1);
        assertThat(applied.count(ActionKind.MARK_MISSING)).isEqualTo(3);
        assertThat(fleet.hostStatus(silent)).isEqualTo(HostStatus.UNREACHABLE);
        assertThat(List.of(running, paused, starting)).allSatisfy(
                id -> assertThat(fleet.status(id)).isEqualTo(WorkloadStatus.MISSING));
        assertThat(fleet.status(stopped)).isEqualTo(WorkloadStatus.STOPPED);
        assertThat(fleet.status(error)).isEqualTo(WorkloadStatus.ERROR);
        assertThat(fleet.audit()).extracting(AuditEvent::action, AuditEvent::workload, AuditEvent::before,
                AuditEvent::after).containsExactlyInAnyOrder(
                tuple(MonitorWrites.UNREACHABLE, null, "online", "unreachable"),
                tuple(MonitorWrites.MISSING, "app", "running", "missing"),
                tuple(MonitorWrites.MISSING, "cache", "paused", "missing"),
                tuple(MonitorWrites.MISSING, "web", "starting", "missing"));
        assertThat(fleet.audit()).allSatisfy(e -> {
            assertThat(e.teamId()).isEqualTo(team);
            assertThat(e.hostId()).isEqualTo(silent);
        });
    }

    @Test
    void aHeartbeatThatArrivedAfterTheDecisionKeepsTheHostOnline() {
        Instant heard = NOW.minusSeconds(120);
        UUID silent = fleet.host(team, HostStatus.ONLINE, heard);
        long app = fleet.workload(silent, "app", WorkloadStatus.RUNNING, EARLIER);
        fleet.heartbeat(silent, NOW.minusSeconds(1));

        Applied applied = apply(List.of(new MarkUnreachable(silent, heard, "no heartbeat for 120 s")));

        assertThat(applied.unreachable()).isEmpty();
        assertThat(fleet.hostStatus(silent)).isEqualTo(HostStatus.ONLINE);
        assertThat(fleet.status(app)).isEqualTo(WorkloadStatus.RUNNING);
        assertThat(fleet.audit()).isEmpty();
    }

    @Test
    void aMassSilenceHoldIsOneFleetWideEvent() {
        Applied applied = apply(List.of(new HoldForMassSilence(List.of(host, UUID.randomUUID()), 3,
                "2 of 3 tracked hosts silent within 90 s: holding")));

        assertThat(applied.count(ActionKind.HOLD_MASS_SILENCE)).isEqualTo(1);
        assertThat(fleet.audit()).containsExactly(new AuditEvent(null, null, null, "system", REPLICA,
                MonitorWrites.MASS_SILENCE_HOLD, "2 of 3 tracked hosts silent within 90 s: holding", "ok", null,
                null));
    }

    @Test
    void aBatchOfAThousandHostsCostsOneStatementPerKindOfAction() {
        List<MonitorAction> actions = new ArrayList<>();
        List<UUID> hosts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            UUID h = fleet.host(team, HostStatus.ONLINE, NOW.minusSeconds(5));
            hosts.add(h);
            long w = fleet.workload(h, "app", WorkloadStatus.RUNNING, EARLIER);
            actions.add(new SettleWorkload(h, w, "app", WorkloadStatus.RUNNING, WorkloadStatus.PAUSED,
                    "paused on the host", true));
            actions.add(new RecordWorkload(h, "new", WorkloadStatus.STOPPED, null, "discovered"));
        }
        RoundTrips trips = new RoundTrips();

        Applied applied = db.jdbi().withHandle(h -> {
            Context context = context(h);
            trips.attach(h);
            h.begin();
            Applied a = executor.apply(h, NOW, actions, context.statuses(), context.workloads());
            trips.commit(h);
            return a;
        });

        assertThat(applied.count(ActionKind.SETTLE)).isEqualTo(1000);
        assertThat(applied.count(ActionKind.RECORD)).isEqualTo(1000);
        assertThat(trips.count()).isEqualTo(3); // settle, record, commit
        assertThat(fleet.audit()).hasSize(2000);
        assertThat(fleet.status(hosts.get(999), "app")).isEqualTo(WorkloadStatus.PAUSED);
    }

    private Applied apply(List<MonitorAction> actions) {
        return db.jdbi().inTransaction(h -> apply(h, actions));
    }

    private Applied apply(Handle h, List<MonitorAction> actions) {
        Context context = context(h);
        return executor.apply(h, NOW, actions, context.statuses(), context.workloads());
    }

    /** The hosts and workloads as a pass would have read them before deciding. */
    private record Context(Map<UUID, HostStatus> statuses, Map<UUID, List<WorkloadRow>> workloads) {}

    private static Context context(Handle h) {
        Map<UUID, HostStatus> statuses = new HashMap<>();
        h.createQuery("SELECT id, status FROM hosts").map((rs, ctx) -> statuses.put(
                rs.getObject("id", UUID.class), HostStatus.fromWire(rs.getString("status")))).list();
        return new Context(statuses, MonitorReads.activeWorkloadsOf(h, statuses.keySet()));
    }
}
