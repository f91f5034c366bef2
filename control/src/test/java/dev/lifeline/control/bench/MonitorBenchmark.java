package dev.lifeline.control.bench;

import dev.lifeline.control.lease.HostLeases;
import dev.lifeline.control.lease.Replica;
import dev.lifeline.control.monitor.MonitorPass;
import dev.lifeline.control.monitor.PassResult;
import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.EmbeddedDatabase;
import dev.lifeline.control.store.SqlTime;
import dev.lifeline.control.store.monitor.TestFleet;
import dev.lifeline.core.fleet.MonitorRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The host monitor's benchmark (BENCHMARKS.md, "Fleet monitor"): one pass over a fleet of {@code --hosts} hosts ×
 * {@code --workloads} workloads on the embedded PostgreSQL with fsync and synchronous_commit on, audit writes
 * included, round trips counted; a full pass (every host has news: two changes each) and a pass where
 * {@code --changed} of the hosts changed, each against {@link NaivePass} (the same rules row by row) in the same run;
 * then the host-failure detection latency of the real {@code HostMonitor} ({@link DetectionLatency}). Prints
 * medians of {@code --runs} runs as a Markdown table.
 */
public final class MonitorBenchmark {
    private static final Instant START = Instant.parse("2026-12-06T00:00:00Z");
    private static final String REPLICA = "bench";

    private final Database db;
    private final TestFleet fleet;
    private final List<UUID> hosts;
    private final int workloads;
    private final MonitorPass bulk;
    private final NaivePass naive;
    private final CpuClock cpu;
    private Instant now = START;

    private MonitorBenchmark(Database db, int hostCount, int workloads) {
        this.db = db;
        this.fleet = new TestFleet(db);
        this.workloads = workloads;
        long seedStart = System.nanoTime();
        long team = fleet.team("bench");
        this.hosts = fleet.seed(team, hostCount, workloads, START);
        db.jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO leases (host_id, holder, acquired_at, expires_at) SELECT id, :me, :at, :at FROM hosts
                """).bind("me", REPLICA).bind("at", SqlTime.at(START)).execute());
        System.out.printf(Locale.ROOT, "bench: seeded %d hosts x %d workloads in %.1f s%n", hostCount, workloads,
                (System.nanoTime() - seedStart) / 1e9);
        MonitorRules rules = MonitorRules.defaults();
        this.bulk = new MonitorPass(db.jdbi(), new HostLeases(new Replica(REPLICA, START.minusSeconds(3600)),
                Duration.ofSeconds(30)), rules);
        this.naive = new NaivePass(db.dataSource(), rules, REPLICA);
        this.cpu = new CpuClock(db);
        bulk.run(now); // a replica's first pass looks at every host once: before any measured one
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path dir = Files.createTempDirectory("lifeline-bench-pg-");
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir.resolve("data"), 0, true);
                Database db = Database.open(pg.url(), 4)) {
            System.out.println("bench: PostgreSQL " + setting(db, "server_version") + ", fsync="
                    + setting(db, "fsync") + ", synchronous_commit=" + setting(db, "synchronous_commit")
                    + ", full_page_writes=" + setting(db, "full_page_writes"));
            MonitorBenchmark bench = new MonitorBenchmark(db, options.hosts(), options.workloads());
            List<Row> rows = bench.passes(options);
            List<Duration> latencies = options.latencyTrials() == 0 ? List.of()
                    : DetectionLatency.measure(pg, options.latencyTrials());
            print(options, rows, latencies);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * One line of the table: a kind of pass, and per run its wall time, the JVM's CPU time and the PostgreSQL
     * server's (milliseconds).
     */
    record Row(String pass, int hostsWithNews, long changes, List<Double> millis, List<Double> jvmCpu,
            List<Double> serverCpu, long roundTrips) {
        static double median(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }

    /** Times one pass: wall and CPU. */
    private final class Timing {
        final List<Double> wall = new ArrayList<>();
        final List<Double> jvm = new ArrayList<>();
        final List<Double> server = new ArrayList<>();
        private long startWall;
        private long[] startCpu;

        void start() {
            startCpu = cpu.now();
            startWall = System.nanoTime();
        }

        double stop() {
            double ms = (System.nanoTime() - startWall) / 1e6;
            long[] end = cpu.now();
            wall.add(ms);
            jvm.add((double) (end[0] - startCpu[0]));
            server.add((double) (end[1] - startCpu[1]));
            return ms;
        }

        Row row(String pass, int hosts, long changes, long roundTrips) {
            return new Row(pass, hosts, changes, wall, jvm, server, roundTrips);
        }
    }

    private List<Row> passes(Options options) throws Exception {
        int changed = Math.max(1, (int) Math.round(hosts.size() * options.changed()));
        String share = String.format(Locale.ROOT, "%s%%", trim(options.changed() * 100));
        System.out.println("bench: warm-up");
        measure("warm-up", changed, 1);
        List<Row> rows = new ArrayList<>();
        rows.addAll(measure("full", hosts.size(), options.runs()));
        rows.add(comparedWhole(options.runs()));
        rows.addAll(measure(share + " changed", changed, options.runs()));
        rows.add(idle(options.runs()));
        return rows;
    }

    /** The bulk pass and the naive one, alternating, over {@code changed} hosts with news, {@code runs} times. */
    private List<Row> measure(String name, int changed, int runs) throws Exception {
        Timing bulkTime = new Timing();
        Timing naiveTime = new Timing();
        long bulkTrips = 0;
        long naiveTrips = 0;
        long bulkChanges = 0;
        long naiveChanges = 0;
        for (int run = 0; run < runs; run++) {
            List<UUID> news = slice(changed, run);

            long audits = reset(news);
            bulkTime.start();
            PassResult result = bulk.run(now);
            double bulkMs = bulkTime.stop();
            bulkTrips = result.roundTrips();
            bulkChanges = auditsSince(audits);
            check(result.planned() == news.size(), "bulk pass planned " + result.planned() + " hosts, expected "
                    + news.size());

            audits = reset(news);
            naiveTime.start();
            naiveTrips = naive.run(now);
            double naiveMs = naiveTime.stop();
            naiveChanges = auditsSince(audits);
            check(naiveChanges == bulkChanges, "naive pass wrote " + naiveChanges + " audit events, bulk "
                    + bulkChanges);
            System.out.printf(Locale.ROOT, "bench: %s run %d: bulk %.0f ms (%d round trips), naive %.0f ms (%d)%n",
                    name, run + 1, bulkMs, bulkTrips, naiveMs, naiveTrips);
        }
        return List.of(bulkTime.row("bulk, " + name, changed, bulkChanges, bulkTrips),
                naiveTime.row("naive, " + name, changed, naiveChanges, naiveTrips));
    }

    /**
     * The full pass with every host's change list unknown, so that every stack of every host is compared: what a pass
     * costs when the whole fleet comes back from unreachable at once (say, after the network between it and the
     * control plane healed), and the pass's cost before the ingest kept change lists.
     */
    private Row comparedWhole(int runs) {
        Timing time = new Timing();
        long trips = 0;
        long changes = 0;
        for (int run = 0; run < runs; run++) {
            long audits = reset(hosts);
            db.jdbi().useHandle(h -> h.execute("UPDATE hosts SET report_changes = NULL"));
            vacuum();
            time.start();
            PassResult result = bulk.run(now);
            double ms = time.stop();
            trips = result.roundTrips();
            changes = auditsSince(audits);
            check(result.planned() == hosts.size(), "the pass compared whole planned " + result.planned() + " hosts");
            System.out.printf(Locale.ROOT, "bench: full, compared whole run %d: bulk %.0f ms (%d round trips)%n",
                    run + 1, ms, trips);
        }
        return time.row("bulk, full, compared whole", hosts.size(), changes, trips);
    }

    /** A pass with nothing to do: the fixed cost of a pass (leases, the census of every tracked host). */
    private Row idle(int runs) {
        Timing time = new Timing();
        long trips = 0;
        for (int run = 0; run < runs; run++) {
            reset(List.of()); // ten seconds later, as every measured pass: the leases never run out between passes
            time.start();
            PassResult result = bulk.run(now);
            time.stop();
            trips = result.roundTrips();
            check(result.planned() == 0, "the idle pass planned " + result.planned() + " hosts");
        }
        return time.row("bulk, no change", 0, 0, trips);
    }

    /**
     * Back to a quiet fleet (every workload running as reported, nothing to reconcile, everyone heard from), then
     * news on {@code news}; vacuumed and checkpointed so that the pass measured pays for no one else's garbage.
     * Returns the audit log's highest id before the pass.
     */
    private long reset(List<UUID> news) {
        now = now.plusSeconds(10);
        db.jdbi().useTransaction(h -> {
            h.createUpdate("""
                    UPDATE workloads SET status = 'running', detail = 'up', status_since = :at, last_updated = :at
                    WHERE status <> 'running' OR detail IS DISTINCT FROM 'up'
                    """).bind("at", SqlTime.at(now.minusSeconds(60))).execute();
            h.createUpdate("""
                    UPDATE hosts SET report = (SELECT jsonb_agg(jsonb_build_object('name', 'w' || w,
                                                   'status', 'running', 'detail', 'up'))
                                               FROM generate_series(0, :workloads - 1) w),
                        reconciled_seq = report_seq, next_check_at = NULL, report_changes = '{}'
                    WHERE reconciled_seq <> report_seq OR next_check_at IS NOT NULL
                       OR report_changes IS DISTINCT FROM '{}'
                       OR jsonb_array_length(report) <> :workloads
                       OR report @> '[{"status": "paused"}]'
                    """).bind("workloads", workloads).execute();
        });
        fleet.everyoneHeartbeats(now.minusSeconds(1));
        fleet.twoChangesOn(news, now.minusSeconds(1));
        vacuum();
        return fleet.count("SELECT coalesce(max(id), 0) FROM audit_events");
    }

    private void vacuum() {
        db.jdbi().useHandle(h -> {
            h.execute("VACUUM ANALYZE hosts, workloads, leases, audit_events");
            h.execute("CHECKPOINT");
        });
    }

    private long auditsSince(long id) {
        return fleet.count("SELECT count(*) FROM audit_events WHERE id > " + id);
    }

    /** A different slice of the fleet at each run, so no run reads rows the previous one left in cache. */
    private List<UUID> slice(int count, int run) {
        if (count >= hosts.size()) {
            return hosts;
        }
        int from = (int) ((long) run * count % (hosts.size() - count + 1));
        return hosts.subList(from, from + count);
    }

    private static void print(Options options, List<Row> rows, List<Duration> latencies) {
        System.out.println();
        System.out.printf(Locale.ROOT, "Monitor pass, %d hosts x %d workloads, median of %d runs:%n%n",
                options.hosts(), options.workloads(), options.runs());
        System.out.println("| pass | hosts with news | audited changes | wall ms (min-max) | CPU ms: JVM + PostgreSQL "
                + "| round trips |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %.0f (%.0f-%.0f) | %.0f + %.0f | %d |%n", row.pass(),
                    row.hostsWithNews(), row.changes(), Row.median(row.millis()),
                    row.millis().stream().min(Double::compare).orElseThrow(),
                    row.millis().stream().max(Double::compare).orElseThrow(), Row.median(row.jvmCpu()),
                    Row.median(row.serverCpu()), row.roundTrips());
        }
        if (!latencies.isEmpty()) {
            List<Duration> sorted = latencies.stream().sorted().toList();
            System.out.println();
            System.out.printf(Locale.ROOT, "Host-failure detection (threshold %d ms, interval %d ms, bound %d ms): "
                    + "median %d ms, max %d ms over %d trials%n", DetectionLatency.THRESHOLD.toMillis(),
                    DetectionLatency.INTERVAL.toMillis(),
                    DetectionLatency.THRESHOLD.plus(DetectionLatency.INTERVAL).toMillis(),
                    sorted.get(sorted.size() / 2).toMillis(), sorted.getLast().toMillis(), sorted.size());
        }
    }

    private static String setting(Database db, String name) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT current_setting(:name)").bind("name", name)
                .mapTo(String.class).one());
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException("benchmark invalid: " + message);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The command line: {@code --hosts 10000 --workloads 50 --runs 5 --changed 0.01 --latency-trials 5}. */
    record Options(int hosts, int workloads, int runs, double changed, int latencyTrials) {
        static Options parse(String[] args) {
            int hosts = 10_000;
            int workloads = 50;
            int runs = 5;
            double changed = 0.01;
            int trials = 5;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--hosts" -> hosts = Integer.parseInt(value);
                    case "--workloads" -> workloads = Integer.parseInt(value);
                    case "--runs" -> runs = Integer.parseInt(value);
                    case "--changed" -> changed = Double.parseDouble(value);
                    case "--latency-trials" -> trials = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "': expected "
                            + "--hosts N, --workloads N, --runs N, --changed SHARE, --latency-trials N");
                }
                i++;
            }
            if (workloads < 2) {
                throw new IllegalArgumentException("--workloads must be at least 2 (two change per host), got "
                        + workloads);
            }
            return new Options(hosts, workloads, runs, changed, trials);
        }
    }
}
