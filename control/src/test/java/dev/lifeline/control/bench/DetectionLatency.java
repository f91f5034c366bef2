package dev.lifeline.control.bench;

import dev.lifeline.control.lease.HostLeases;
import dev.lifeline.control.lease.Replica;
import dev.lifeline.control.monitor.HostMonitor;
import dev.lifeline.control.monitor.MonitorSettings;
import dev.lifeline.control.monitor.ThreadScheduler;
import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.DatabaseUrl;
import dev.lifeline.control.store.EmbeddedDatabase;
import dev.lifeline.control.store.SqlTime;
import dev.lifeline.control.store.monitor.TestFleet;
import dev.lifeline.core.fleet.MonitorRules;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How long a dead host takes to be marked unreachable, with the real {@link HostMonitor} on its own thread and the
 * wall clock: {@value #HOSTS} hosts heartbeat every {@code BEAT}; one stops; the time from its last stored heartbeat
 * to its unreachable status being visible in the database is one trial. Short thresholds so a trial takes seconds;
 * the bound is threshold + one interval (plus the pass's own time). Failover grace zero: the monitor watches from
 * before the first trial, so the grace would not apply anyway.
 */
final class DetectionLatency {
    static final Duration THRESHOLD = Duration.ofSeconds(3);
    static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration BEAT = Duration.ofMillis(500);
    private static final int HOSTS = 50;

    private DetectionLatency() {}

    static List<Duration> measure(EmbeddedDatabase pg, int trials) throws Exception {
        DatabaseUrl url = createDatabase(pg, "latency");
        InstantSource clock = InstantSource.system();
        MonitorRules rules = new MonitorRules(THRESHOLD, Duration.ofMinutes(2), Duration.ofMinutes(15), 0.5, 3,
                Duration.ZERO);
        MonitorSettings settings = MonitorSettings.of(INTERVAL, rules);
        List<Duration> latencies = new ArrayList<>();
        ScheduledExecutorService agents = Executors.newSingleThreadScheduledExecutor();
        try (Database db = Database.open(url, 4)) {
            TestFleet fleet = new TestFleet(db);
            List<UUID> hosts = fleet.seed(fleet.team("latency"), HOSTS, 1, clock.instant());
            Set<UUID> dead = ConcurrentHashMap.newKeySet();
            agents.scheduleAtFixedRate(() -> db.jdbi().useHandle(h -> h.createUpdate("""
                    UPDATE hosts SET last_heartbeat_at = :at WHERE status <> 'unreachable' AND id <> ALL(:dead)
                    """).bind("at", SqlTime.at(clock.instant())).bindArray("dead", UUID.class, List.copyOf(dead))
                    .execute()), 0, BEAT.toMillis(), TimeUnit.MILLISECONDS);
            HostLeases leases = new HostLeases(Replica.startingNow(clock.instant()), settings.leasePeriod());
            try (HostMonitor monitor = new HostMonitor(db.jdbi(), leases, settings, clock, new SimpleMeterRegistry(),
                    new ThreadScheduler(), null)) {
                monitor.start();
                Thread.sleep(THRESHOLD.toMillis());
                for (int trial = 0; trial < trials; trial++) {
                    UUID victim = hosts.get(trial);
                    dead.add(victim);
                    Duration latency = awaitUnreachable(db, victim);
                    latencies.add(latency);
                    System.out.printf(Locale.ROOT, "bench: detection trial %d: %d ms%n", trial + 1,
                            latency.toMillis());
                    Thread.sleep(INTERVAL.toMillis() / 3); // stagger the deaths across the monitor's ticks
                }
            }
        } finally {
            agents.shutdownNow();
        }
        return latencies;
    }

    /** Polls every 10 ms; returns the time from the host's last heartbeat to its unreachable status visible. */
    private static Duration awaitUnreachable(Database db, UUID host) throws InterruptedException {
        while (true) {
            Instant[] heard = new Instant[1];
            boolean unreachable = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT status, last_heartbeat_at FROM hosts WHERE id = :id").bind("id", host)
                    .map((rs, ctx) -> {
                        heard[0] = SqlTime.read(rs, "last_heartbeat_at");
                        return rs.getString("status").equals("unreachable");
                    }).one());
            if (unreachable) {
                return Duration.between(heard[0], Instant.now());
            }
            Thread.sleep(10);
        }
    }

    private static DatabaseUrl createDatabase(EmbeddedDatabase pg, String name) throws Exception {
        DatabaseUrl admin = DatabaseUrl.parse("postgresql://postgres@127.0.0.1:" + pg.port() + "/postgres");
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), null);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return DatabaseUrl.parse("postgresql://postgres@127.0.0.1:" + pg.port() + "/" + name);
    }
}
