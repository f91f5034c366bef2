package dev.lifeline.control.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeline.control.lease.HostLeases;
import dev.lifeline.control.lease.Replica;
import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.DatabaseUrl;
import dev.lifeline.control.store.TestDatabases;
import dev.lifeline.control.store.monitor.TestFleet;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.MonitorRules;
import dev.lifeline.core.fleet.ReportedWorkload;
import dev.lifeline.core.fleet.WorkloadStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HostMonitorTest {
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
    private static final MonitorSettings SETTINGS = MonitorSettings.of(Duration.ofSeconds(10), MonitorRules.defaults());

    private Database db;
    private TestFleet fleet;
    private long team;
    private final TestClock clock = new TestClock(T0);
    private final ManualScheduler scheduler = new ManualScheduler();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

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
    void runsAPassAtStartAndThenEveryInterval() {
        UUID host = fleet.host(team, HostStatus.ONLINE, T0);
        fleet.report(host, T0, new ReportedWorkload("app", WorkloadStatus.RUNNING, "up"));
        try (HostMonitor monitor = monitor(null)) {
            assertThat(monitor.firstPassDone()).isFalse();
            monitor.start();
            assertThat(monitor.firstPassDone()).isTrue();
            assertThat(fleet.status(host, "app")).isEqualTo(WorkloadStatus.RUNNING);
            assertThat(scheduler.interval()).isEqualTo(Duration.ofSeconds(10));

            fleet.report(host, clock.advance(Duration.ofSeconds(5)), new ReportedWorkload("app",
                    WorkloadStatus.PAUSED, "paused"));
            clock.advance(Duration.ofSeconds(5));
            scheduler.tick();

            assertThat(fleet.status(host, "app")).isEqualTo(WorkloadStatus.PAUSED);
            assertThat(monitor.lastPass()).get().extracting(PassResult::at).isEqualTo(T0.plusSeconds(10));
        }
    }

    @Test
    void exportsPassDurationActionsByKindAndTheLeasesItHolds() {
        UUID host = fleet.host(team, HostStatus.ONLINE, T0);
        fleet.report(host, T0, new ReportedWorkload("app", WorkloadStatus.RUNNING, "up"),
                new ReportedWorkload("db", WorkloadStatus.STOPPED, null));
        fleet.host(team, HostStatus.UNREACHABLE, T0.minus(Duration.ofHours(1)));
        try (HostMonitor monitor = monitor(null)) {
            monitor.start();

            assertThat(registry.get("lifeline.control.monitor.actions").tag("kind", "record").counter().count())
                    .isEqualTo(2);
            assertThat(registry.get("lifeline.control.monitor.pass").timer().count()).isEqualTo(1);
            assertThat(registry.get("lifeline.control.monitor.leases.held").gauge().value()).isEqualTo(2);
            assertThat(registry.get("lifeline.control.monitor.mass.silence.hold").gauge().value()).isZero();
        }
    }

    @Test
    void aHostThatComesBackThroughAnotherReplicasIngestIsReconciledAtOnceNotAtTheNextTick() throws Exception {
        UUID host = fleet.host(team, HostStatus.UNREACHABLE, T0.minus(Duration.ofMinutes(5)));
        long app = fleet.workload(host, "app", WorkloadStatus.MISSING, T0.minus(Duration.ofMinutes(5)));
        long cache = fleet.workload(host, "cache", WorkloadStatus.MISSING, T0.minus(Duration.ofMinutes(5)));
        DatabaseUrl url = TestDatabases.urlOf(databaseName());
        try (HostMonitor monitor = monitor(() -> DriverManager.getConnection(url.jdbcUrl(), url.user(), null))) {
            monitor.start();
            assertThat(monitor.awaitListening(Duration.ofSeconds(10))).isTrue();

            fleet.comesBack(host, clock.advance(Duration.ofSeconds(2)),
                    new ReportedWorkload("app", WorkloadStatus.RUNNING, "up"),
                    new ReportedWorkload("cache", WorkloadStatus.PAUSED, "paused"));
            await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.queuedCount() > 0);
            scheduler.runQueued();
            db.jdbi().useHandle(h -> h.execute("SELECT pg_notify(?, ?)", HostBack.CHANNEL, host + " replica-2"));
            await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.queuedCount() > 0); // the ingest's form

            assertThat(fleet.status(app)).isEqualTo(WorkloadStatus.RUNNING);
            assertThat(fleet.status(cache)).isEqualTo(WorkloadStatus.PAUSED);
            assertThat(monitor.lastPass()).get().extracting(PassResult::at).isEqualTo(T0.plusSeconds(2));
        }
    }

    @Test
    void manyHostsComingBackAtOnceCostOnePass() {
        try (HostMonitor monitor = monitor(null)) {
            monitor.start();
            for (int i = 0; i < 100; i++) {
                monitor.hostCameBack(UUID.randomUUID());
            }
            assertThat(scheduler.runQueued()).isEqualTo(1);
        }
    }

    @Test
    void aCleanStopGivesTheLeasesBackAndStopsThePasses() {
        List<UUID> hosts = fleet.seed(team, 5, 1, T0);
        HostMonitor monitor = monitor(null);
        monitor.start();
        assertThat(fleet.count("SELECT count(*) FROM leases")).isEqualTo(hosts.size());

        monitor.close();
        monitor.hostCameBack(hosts.get(0));

        assertThat(scheduler.isClosed()).isTrue();
        assertThat(scheduler.queuedCount()).isZero();
        assertThat(fleet.count("SELECT count(*) FROM leases")).isZero();
        assertThat(fleet.count("SELECT count(*) FROM replicas")).isZero();
    }

    @Test
    void aFailedPassIsCountedAndTheNextOneStartsOver() {
        UUID host = fleet.host(team, HostStatus.ONLINE, T0);
        try (HostMonitor monitor = monitor(null)) {
            monitor.start();
            db.jdbi().useHandle(h -> h.execute("ALTER TABLE workloads RENAME TO workloads_away"));
            fleet.report(host, clock.advance(Duration.ofSeconds(10)),
                    new ReportedWorkload("app", WorkloadStatus.RUNNING, "up"));
            scheduler.tick();
            assertThat(registry.get("lifeline.control.monitor.pass.failures").counter().count()).isEqualTo(1);

            db.jdbi().useHandle(h -> h.execute("ALTER TABLE workloads_away RENAME TO workloads"));
            clock.advance(Duration.ofSeconds(10));
            scheduler.tick();
            assertThat(fleet.status(host, "app")).isEqualTo(WorkloadStatus.RUNNING);
        }
    }

    private HostMonitor monitor(HostBackSubscriber.Connections listen) {
        HostLeases leases = new HostLeases(new Replica("replica-1", T0.minus(Duration.ofHours(1))),
                SETTINGS.leasePeriod());
        return new HostMonitor(db.jdbi(), leases, SETTINGS, clock, registry, scheduler, listen);
    }

    private String databaseName() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT current_database()").mapTo(String.class).one());
    }
}
