package dev.lifeline.cli.bench;

import static dev.lifeline.cli.bench.BenchOutput.intArg;
import static dev.lifeline.cli.bench.BenchOutput.pathArg;
import static dev.lifeline.cli.bench.BenchOutput.log;
import static dev.lifeline.cli.bench.BenchOutput.median;
import static dev.lifeline.cli.bench.BenchOutput.yes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.agent.api.Json;
import dev.lifeline.testkit.btrfs.BtrfsLoop;
import dev.lifeline.testkit.podman.PodmanService;
import dev.lifeline.testkit.podman.PostgresImage;
import dev.lifeline.testkit.podman.ProcessResult;
import dev.lifeline.testkit.podman.Processes;
import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Backup downtime and upload throughput benchmark (not a test: run it with {@code scripts/bench-backup}).
 *
 * <p>On a private Podman engine it fills a PostgreSQL data dir with {@code pgbench -i -s SCALE}, then backs the
 * database up through the real agent's API ({@code POST /backup}) three ways, each into a fresh restic repository:
 * <ol>
 *   <li><b>stop, fallback</b>: {@code lifeline.quiesce=stop}, data on the local (non-snapshot) filesystem and a
 *       staging budget of 0, so the stack stays stopped until the upload is done;
 *   <li><b>stop, btrfs</b>: the same data in a btrfs subvolume (loop device): snapshot, then early resume;
 *   <li><b>pause, btrfs</b>: {@code lifeline.quiesce=pause} on the same kind of subvolume.
 * </ol>
 * For each it reports the job record's downtime ({@code resumedAt - quiesceStartedAt}) and, as an independent check,
 * the longest span in which a {@code pg_isready}-equivalent ping from the host ({@link PgPing}, every 20 ms on the
 * server's socket, bind-mounted to the host: the same instrument and interval that end the reference) did not get
 * an answer. The reference is the app's own clean stop + start through the engine API until the ping answers.
 * Upload throughput (job's upload bytes from its uploading phase to its last data path stored) is compared with a
 * plain {@code restic backup} of the same data into a fresh repository; every upload, plain or Lifeline's, starts
 * with its data out of the page cache.
 *
 * <p>Arguments: {@code --scale N} (pgbench scale, default 160: about 4.6 GB with indexes and WAL, so that a plain restic backup takes over 20 s on a 2-CPU machine), {@code --runs N} (default 3),
 * {@code --settle MILLIS} (the agent's recovery.settle-time, default 0; the container has a pg_isready healthcheck).
 */
public final class BackupBenchmark {
    private static final String SOCKET_DIR = "/var/run/postgresql";
    private static final String HEALTH = "pg_isready -q -h " + SOCKET_DIR;
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(30);
    /** The job's upload may be at most this much below plain restic's of the same data (issue 19; was 5). */
    private static final double UPLOAD_GOAL_PERCENT = 2;
    /** How often the server is pinged, both while waiting for the reference's start and while probing a backup. */
    private static final long PROBE_MS = 20;

    enum Mode {
        STOP_FALLBACK("stop, no snapshot (stop-mode fallback)", "stop", "stop-fallback"),
        STOP_BTRFS("stop, btrfs snapshot, early resume", "stop", "snapshot"),
        PAUSE_BTRFS("pause, btrfs snapshot, early resume", "pause", "snapshot"),
        /** {@code --busy} only: stop mode on a copy of the btrfs data, with PostgreSQL's CHECKPOINT as prepare hook. */
        STOP_BTRFS_CHECKPOINT("stop, btrfs snapshot, CHECKPOINT before the marker", "stop", "snapshot");

        /** The three ways of the full benchmark. */
        static final List<Mode> FULL = List.of(STOP_FALLBACK, STOP_BTRFS, PAUSE_BTRFS);

        final String title;
        final String quiesce;
        final String path;

        Mode(String title, String quiesce, String path) {
            this.title = title;
            this.quiesce = quiesce;
            this.path = path;
        }

        String stack() {
            return "pg-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One job's figures. {@code uploadSeconds} runs from the uploading phase to the last data path stored (the
     * upload itself: every restic backup of the job); {@code phaseSeconds} from the uploading phase to done, which
     * adds deleting the job's snapshots and retention ({@code restic forget} per data path); {@code resticSeconds}
     * is restic's own run for the data dir as the agent logs it ({@code backup_stored ... duration_ms}).
     */
    record Run(double downtimeMs, double probeOutageMs, double uploadSeconds, long uploadBytes,
            double jobSeconds, double resticSeconds, double phaseSeconds, double childUserCpu, double childSystemCpu,
            double flushMs, double prepareMs, double stopMs, double snapshotMs, double[] dataPathRestic) {
        /** The job's upload, from its uploading phase to its last data path stored (MB/s). */
        double uploadMbs() {
            return uploadBytes / 1e6 / uploadSeconds;
        }

        /** restic's own run for the data dir (MB/s). */
        double resticMbs() {
            return uploadBytes / 1e6 / resticSeconds;
        }
    }

    /** How far {@code job} MB/s is below {@code plain} MB/s, in percent (negative: faster). */
    private static double percentBelow(double plain, double job) {
        return 100 * (plain - job) / plain;
    }

    private final ObjectMapper json = Json.mapper();
    private final PodmanService podman;
    final Path work;
    private final Path password;
    private final long settleMillis;
    /** Where to keep each job's agent log (at debug level), or null; {@code --logs DIR}. */
    private Path logs;
    /** {@code --downtime-only}: only the early resume's downtime against the references, round by round. */
    private boolean downtimeOnly;
    /** {@code --upload-only}: only uploads, plain restic against Lifeline's jobs, round by round. */
    private boolean uploadOnly;
    /** {@code --pairs} (with {@code --upload-only}): only plain restic and the fallback job, alternated. */
    private boolean pairsOnly;
    /** {@code --btrfs} (with {@code --upload-only}): plain restic of a btrfs subvolume against the snapshot job. */
    private boolean uploadBtrfs;
    /** {@code --busy}: the early resume of a busy app (data just written, steady inserts), see {@link BusyApp}. */
    private boolean busy;
    /** {@code --dirty-mb N}: how much {@code --busy} writes into the data dir right before a job, without a sync. */
    private int dirtyMegabytes;
    /**
     * {@code --restic-cpu}: every restic, plain or the agent's, runs under GNU time, whose line per invocation (its
     * command, wall time, user and system CPU) the benchmark logs after each upload. Both sides pay the same wrapper.
     */
    private Path resticTimes;
    /** {@code --jfr DIR}: the agent runs with a flight recording (profile settings), one file per job in DIR. */
    private Path jfr;
    final Map<Mode, Path> dataDirs = new LinkedHashMap<>();
    /** The btrfs loop device's image file, once made. */
    private Path btrfsImage;
    final Map<Mode, Path> socketDirs = new LinkedHashMap<>();
    private int repoCounter;

    private BackupBenchmark(PodmanService podman, Path work, long settleMillis) throws IOException {
        this.podman = podman;
        this.work = work;
        this.settleMillis = settleMillis;
        this.password = work.resolve("restic-password");
        Files.writeString(password, UUID.randomUUID() + "\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    }

    public static void main(String[] args) throws Exception {
        if (BenchOutput.flag(args, "--flush-passes")) {
            FlushPasses.main(args); // a btrfs loop device alone: no PostgreSQL, no Podman
            return;
        }
        int scale = intArg(args, "--scale", 160);
        int runs = intArg(args, "--runs", 3);
        long settle = intArg(args, "--settle", 0);
        PodmanService.requirePodman();
        BtrfsLoop.requireBtrfsProgs();
        Path work = Files.createTempDirectory(Path.of("/var/tmp"), "lifeline-bench-backup-");
        try (PodmanService podman = PodmanService.start()) {
            BackupBenchmark bench = new BackupBenchmark(podman, work, settle);
            bench.logs = pathArg(args, "--logs");
            bench.downtimeOnly = BenchOutput.flag(args, "--downtime-only");
            bench.uploadOnly = BenchOutput.flag(args, "--upload-only");
            bench.pairsOnly = BenchOutput.flag(args, "--pairs");
            bench.uploadBtrfs = BenchOutput.flag(args, "--btrfs");
            bench.busy = BenchOutput.flag(args, "--busy");
            bench.jfr = pathArg(args, "--jfr");
            if (BenchOutput.flag(args, "--restic-cpu")) {
                bench.timeRestic();
            }
            bench.dirtyMegabytes = intArg(args, "--dirty-mb", BusyApp.DEFAULT_DIRTY_MB);
            bench.run(scale, runs, args);
        } finally {
            Processes.run(List.of("rm", "-rf", "--one-file-system", work.toString()), Map.of(), null,
                    Duration.ofMinutes(5));
        }
    }

    /** The restic program every upload runs: plain {@code restic}, or the {@code --restic-cpu} wrapper. */
    private String restic = "restic";

    /** Writes the {@code --restic-cpu} wrapper: GNU time around restic, one line per invocation into a log. */
    private void timeRestic() throws IOException {
        resticTimes = work.resolve("restic-times.log");
        Path wrapper = work.resolve("restic-timed");
        Files.writeString(wrapper, "#!/bin/sh\nexec /usr/bin/time -a -o " + resticTimes
                + " -f 'restic %e s, user %U s, system %S s, max RSS %M kB: %C' restic \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        restic = wrapper.toString();
    }

    /**
     * Logs the {@code --restic-cpu} lines written since the last call, and returns the user and system CPU seconds
     * of the one that backed up {@code dataDir} (plain restic's, or the job's run for it); NaN without the wrapper.
     */
    private double[] logResticTimes(String what, Path dataDir) throws IOException {
        double[] cpu = {Double.NaN, Double.NaN};
        if (resticTimes == null || !Files.exists(resticTimes)) {
            return cpu;
        }
        List<String> lines = Files.readAllLines(resticTimes);
        for (String line : lines.subList(Math.min(resticTimesSeen, lines.size()), lines.size())) {
            log("%s: %s", what, line);
            String dir = dataDir.toString();
            if (line.contains(" backup ") && (line.contains(dir + " ") || line.endsWith(dir))) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("user ([0-9.]+) s, system ([0-9.]+) s")
                        .matcher(line);
                if (m.find()) {
                    cpu = new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
                }
            }
        }
        resticTimesSeen = lines.size();
        return cpu;
    }

    private int resticTimesSeen;

    private void run(int scale, int runs, String[] args) throws Exception {
        long benchStart = System.nanoTime();
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        PostgresImage.importInto(podman);

        // 1. the data: pgbench tables on the local filesystem, the server stopped cleanly afterwards
        Path master = Files.createDirectories(work.resolve("pg-local"));
        dataDirs.put(Mode.STOP_FALLBACK, master);
        createPostgres(Mode.STOP_FALLBACK, work);
        podman.podman("start", Mode.STOP_FALLBACK.stack());
        awaitPgReady(Mode.STOP_FALLBACK, Duration.ofSeconds(60));
        log("filling the database: pgbench -i -s %d", scale);
        long g0 = System.nanoTime();
        exec(Mode.STOP_FALLBACK, "pgbench", "-i", "-q", "-s", String.valueOf(scale), "-h", SOCKET_DIR, "-U",
                "postgres", "postgres");
        exec(Mode.STOP_FALLBACK, "psql", "-X", "-q", "-h", SOCKET_DIR, "-U", "postgres", "-c", "CHECKPOINT");
        apiPost("/containers/" + Mode.STOP_FALLBACK.stack() + "/stop?t=60");
        long dataBytes = duBytes(master);
        log("data dir %s: %.1f MB, filled in %.0f s", master, dataBytes / 1e6, seconds(System.nanoTime() - g0));
        if (uploadOnly && !uploadBtrfs) {
            measureUpload(Mode.STOP_FALLBACK, runs, dataBytes, scale, load, args, benchStart);
            podman.podmanResult("rm", "-f", "-t", "10", Mode.STOP_FALLBACK.stack());
            return;
        }

        // 2. the same data in two btrfs subvolumes (the second a reflink copy of the first: no extra space)
        // room for the data, its copies' changes, and in --busy the data written just before each job
        long loopSize = Math.max(BtrfsLoop.DEFAULT_SIZE, dataBytes * 3 / 2 + (1L << 30)
                + (busy ? 3L * dirtyMegabytes << 20 : 0));
        try (BtrfsLoop btrfs = BtrfsLoop.create(loopSize)) {
            btrfsImage = btrfs.image();
            Path stopSub = btrfs.subvolume("pg-stop");
            Path pauseSub = btrfs.subvolume("pg-pause");
            long c0 = System.nanoTime();
            sh("cp -a " + master + "/. " + stopSub + "/");
            sh("cp -a --reflink=always " + stopSub + "/. " + pauseSub + "/");
            sh("sync");
            log("copied the data into btrfs subvolumes in %.0f s", seconds(System.nanoTime() - c0));
            dataDirs.put(Mode.STOP_BTRFS, stopSub);
            dataDirs.put(Mode.PAUSE_BTRFS, pauseSub);
            Path socketParent = btrfs.subvolume("sockets");
            createPostgres(Mode.STOP_BTRFS, socketParent);
            createPostgres(Mode.PAUSE_BTRFS, socketParent);
            if (busy) {
                Path checkpointSub = btrfs.subvolume("pg-checkpoint");
                sh("cp -a --reflink=always " + stopSub + "/. " + checkpointSub + "/");
                dataDirs.put(Mode.STOP_BTRFS_CHECKPOINT, checkpointSub);
                createPostgres(Mode.STOP_BTRFS_CHECKPOINT, socketParent);
                new BusyApp(this, dirtyMegabytes).measure(runs, dataBytes, scale, load, args, benchStart);
            } else if (uploadOnly) {
                measureUpload(Mode.STOP_BTRFS, runs, dataBytes, scale, load, args, benchStart);
            } else if (downtimeOnly) {
                measureDowntime(runs, dataBytes, scale, load, args, benchStart);
            } else {
                measure(runs, dataBytes, scale, load, args, benchStart);
            }
            for (Mode m : Mode.values()) {
                podman.podmanResult("rm", "-f", "-t", "10", m.stack());
            }
        }
    }

    private void measure(int runs, long dataBytes, int scale, String load, String[] args, long benchStart)
            throws Exception {
        // 4. Lifeline's backups, each mode in turn, and plain restic over the same data; each run a fresh repository
        Map<Mode, List<Run>> results = new LinkedHashMap<>();
        List<Double> plainLocal = new ArrayList<>();
        List<Double> plainBtrfs = new ArrayList<>();
        List<Double> plainLocalLifelineArgs = new ArrayList<>();
        // the reference, measured in each round so that it sees the same machine as the backups: the app's own
        // clean stop + start through the engine API until the ping answers, on the local fs and on btrfs
        Map<Mode, List<double[]>> reference = new LinkedHashMap<>();
        List<Double> coldReference = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            for (Mode mode : List.of(Mode.STOP_FALLBACK, Mode.STOP_BTRFS)) {
                reference.computeIfAbsent(mode, k -> new ArrayList<>()).add(referenceOnce(mode, i));
            }
            // and with the loop image out of the page cache, as the snapshot jobs meet it
            double[] cold = referenceOnce(Mode.STOP_BTRFS, i, true);
            coldReference.add(cold[0] + cold[1]);
            // plain restic right before Lifeline's job on the same data, and every upload (plain or job) starts
            // with its data out of the page cache (see evict): neither side gets a cache the other filled for it
            for (Mode mode : Mode.FULL) {
                if (mode == Mode.STOP_FALLBACK) {
                    // the two plain runs and the job on the local fs take turns at each place from round to round:
                    // the first after the references was the slower one while the order was fixed
                    for (int k = 0; k < 3; k++) {
                        switch ((k + i - 1) % 3) {
                            case 0 -> plainLocalLifelineArgs.add(plainRestic(dataDirs.get(mode), "local fs", i, true));
                            case 1 -> plainLocal.add(plainRestic(dataDirs.get(mode), "local fs", i));
                            default -> results.computeIfAbsent(mode, m -> new ArrayList<>()).add(backupOnce(mode, i));
                        }
                    }
                    continue;
                }
                // plain restic of the subvolume and the snapshot job swap places from round to round too
                if (mode == Mode.STOP_BTRFS && i % 2 == 1) {
                    plainBtrfs.add(plainRestic(dataDirs.get(mode), "btrfs", i));
                }
                Run r = backupOnce(mode, i);
                results.computeIfAbsent(mode, k -> new ArrayList<>()).add(r);
                if (mode == Mode.STOP_BTRFS && i % 2 == 0) {
                    plainBtrfs.add(plainRestic(dataDirs.get(mode), "btrfs", i));
                }
            }
        }

        List<Double> refTotal = reference.get(Mode.STOP_BTRFS).stream().map(r -> r[0] + r[1]).toList();
        List<Double> refStop = reference.get(Mode.STOP_BTRFS).stream().map(r -> r[0]).toList();
        List<Double> refStart = reference.get(Mode.STOP_BTRFS).stream().map(r -> r[1]).toList();
        List<Double> refLocal = reference.get(Mode.STOP_FALLBACK).stream().map(r -> r[0] + r[1]).toList();
        double refMedian = median(refTotal);
        double fallbackMedian = median(results.get(Mode.STOP_FALLBACK).stream().map(Run::downtimeMs).toList());
        printPreamble(String.format(Locale.ROOT, "Backup benchmark (PostgreSQL 15, pgbench -i -s %d, data dir %.1f MB, "
                + "%d runs, settle time %d ms, total bench time %.0f s)", scale, dataBytes / 1e6, runs,
                settleMillis, seconds(System.nanoTime() - benchStart)), load, args);
        BenchOutput.Table t = new BenchOutput.Table(what -> what.endsWith("(ms)") ? "%.0f" : "%.1f");
        t.statsHeader("Measurement");
        t.stats("Reference, btrfs: clean stop + start until the ping answers, engine API (ms)", refTotal);
        t.stats("Reference, btrfs: clean stop alone (ms)", refStop);
        t.stats("Reference, btrfs: start until the ping answers (ms)", refStart);
        t.stats("Reference, btrfs, loop image out of the page cache as before a snapshot job (ms)", coldReference);
        t.stats("Reference, local fs: clean stop + start until the ping answers (ms)", refLocal);
        for (Mode mode : Mode.FULL) {
            List<Run> rs = results.get(mode);
            t.stats(mode.title + ": downtime, job record (ms)", rs.stream().map(Run::downtimeMs).toList());
            if (mode != Mode.STOP_FALLBACK) { // the fallback's outage is its whole upload: the record says it
                t.stats(mode.title + ": longest outage or stall seen by the ping, " + PROBE_MS + " ms probe (ms)",
                        rs.stream().map(Run::probeOutageMs).toList());
            }
            t.stats(mode.title + ": whole job (s)", rs.stream().map(Run::jobSeconds).toList());
            t.stats(mode.title + ": upload throughput, uploading phase to last path stored (MB/s)",
                    rs.stream().map(Run::uploadMbs).toList());
            t.stats(mode.title + ": uploading phase to done, with snapshot deletion and retention (s)",
                    rs.stream().map(Run::phaseSeconds).toList());
            t.stats(mode.title + ": restic's own run for the data dir, agent log (MB/s)",
                    rs.stream().map(Run::resticMbs).toList());
        }
        t.stats("Plain restic backup, local fs, fresh repository (MB/s)", plainLocal);
        t.stats("Plain restic backup, btrfs subvolume, fresh repository (MB/s)", plainBtrfs);
        t.stats("Plain restic backup with Lifeline's arguments, outside the agent, local fs (MB/s)",
                plainLocalLifelineArgs);
        System.out.println();
        t.row("Derived", "Value", "Goal", "Met", "");
        t.row("---", "---:", "---:", "---:", "---:");
        double coldMedian = median(coldReference);
        for (Mode mode : List.of(Mode.STOP_BTRFS, Mode.PAUSE_BTRFS)) {
            double d = median(results.get(mode).stream().map(Run::downtimeMs).toList());
            double outage = median(results.get(mode).stream().map(Run::probeOutageMs).toList());
            // against the reference under the job's own conditions (loop image cold), the warm one beside it
            t.row(mode.title + ": downtime minus reference on btrfs, cold / warm (ms)", f0(d - coldMedian) + " / "
                    + f0(d - refMedian), "<= 150", yes(d - coldMedian <= 150), "");
            t.row(mode.title + ": outage by the ping minus reference on btrfs, cold / warm (ms)", f0(outage - coldMedian)
                    + " / " + f0(outage - refMedian), "<= 150", yes(outage - coldMedian <= 150), "");
            double cut = 100 * (1 - d / fallbackMedian);
            t.row(mode.title + ": downtime cut against stop-mode fallback (%)", f1(cut), ">= 80", yes(cut >= 80), "");
        }
        double fallbackMbs = median(results.get(Mode.STOP_FALLBACK).stream().map(Run::uploadMbs).toList());
        double gap = percentBelow(median(plainLocal), fallbackMbs);
        t.row("Lifeline upload (stop-mode fallback, local fs) below plain restic, local fs (%; per round)", f1(gap)
                + roundGaps(plainLocal, results.get(Mode.STOP_FALLBACK)), "<= " + f0(UPLOAD_GOAL_PERCENT),
                yes(gap <= UPLOAD_GOAL_PERCENT), "");
        double snapMbs = median(results.get(Mode.STOP_BTRFS).stream().map(Run::uploadMbs).toList());
        double gapBtrfs = percentBelow(median(plainBtrfs), snapMbs);
        t.row("Lifeline upload (btrfs snapshot) below plain restic, btrfs (%; per round)", f1(gapBtrfs)
                + roundGaps(plainBtrfs, results.get(Mode.STOP_BTRFS)), "<= " + f0(UPLOAD_GOAL_PERCENT),
                yes(gapBtrfs <= UPLOAD_GOAL_PERCENT), "");
    }

    /** The job's upload below plain restic round by round (%), as " (a, b, c)": the drift the medians carry. */
    private static String roundGaps(List<Double> plainMbs, List<Run> jobs) {
        List<String> gaps = new ArrayList<>();
        for (int i = 0; i < Math.min(plainMbs.size(), jobs.size()); i++) {
            gaps.add(f1(percentBelow(plainMbs.get(i), jobs.get(i).uploadMbs())));
        }
        return " (" + String.join(", ", gaps) + ")";
    }

    /**
     * {@code --downtime-only}: per round the reference with a warm and with a cold page cache, then one early-resume
     * job (stop + btrfs snapshot); no fallback, no plain restic. Quick enough at a small scale to compare changes to
     * the downtime path with many rounds.
     */
    private void measureDowntime(int runs, long dataBytes, int scale, String load, String[] args, long benchStart)
            throws Exception {
        List<Double> warm = new ArrayList<>();
        List<Double> cold = new ArrayList<>();
        List<Run> jobs = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            double[] w = referenceOnce(Mode.STOP_BTRFS, i, false);
            warm.add(w[0] + w[1]);
            double[] c = referenceOnce(Mode.STOP_BTRFS, i, true);
            cold.add(c[0] + c[1]);
            jobs.add(backupOnce(Mode.STOP_BTRFS, i));
        }
        List<Double> record = jobs.stream().map(Run::downtimeMs).toList();
        List<Double> outage = jobs.stream().map(Run::probeOutageMs).toList();
        printPreamble(String.format(Locale.ROOT, "Early-resume downtime (PostgreSQL 15, pgbench -i -s %d, data dir "
                + "%.1f MB, %d rounds, settle time %d ms, total bench time %.0f s)", scale, dataBytes / 1e6, runs,
                settleMillis, seconds(System.nanoTime() - benchStart)), load, args);
        BenchOutput.Table t = new BenchOutput.Table(what -> "%.0f");
        t.statsHeader("Measurement (ms)");
        t.stats("Reference, btrfs, warm cache: clean stop + start until the ping answers", warm);
        t.stats("Reference, btrfs, loop image cold: clean stop + start until the ping answers", cold);
        t.stats("Stop + btrfs snapshot, early resume: downtime, job record", record);
        t.stats("Stop + btrfs snapshot, early resume: longest outage seen by the ping", outage);
        System.out.println();
        System.out.println("| Round | Reference warm / cold | Job record | Ping outage | Record minus cold reference "
                + "| Ping minus cold reference |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int i = 0; i < runs; i++) {
            System.out.printf(Locale.ROOT, "| %d | %.0f / %.0f | %.0f | %.0f | %+.0f | %+.0f |%n", i + 1, warm.get(i),
                    cold.get(i), record.get(i), outage.get(i), record.get(i) - cold.get(i),
                    outage.get(i) - cold.get(i));
        }
        System.out.println();
        double ref = median(cold);
        System.out.printf(Locale.ROOT, "Median minus median, against the cold reference: job record %+.0f ms, ping %+.0f"
                + " ms (goal <= +150); against the warm reference: %+.0f / %+.0f ms%n", median(record) - ref,
                median(outage) - ref, median(record) - median(warm), median(outage) - median(warm));
    }

    /**
     * {@code --upload-only}: per round, in an order that rotates from round to round, the same local data uploaded
     * four ways: plain restic with the server stopped long before; plain restic right after a clean stop of the
     * server (as the fallback job reads it); the stop-mode fallback job; and a job of the stopped stack (the agent's
     * upload without a quiesce). Tells apart what the fallback's upload pays for: the server's shutdown just before,
     * or running inside the agent. With {@code --pairs} only the first and the job, alternated; with {@code --btrfs}
     * plain restic of the btrfs subvolume against the snapshot job (stop mode, early resume), alternated. Ends with
     * the goal: the job's upload against plain restic, round by round.
     */
    private void measureUpload(Mode mode, int runs, long dataBytes, int scale, String load, String[] args,
            long benchStart) throws Exception {
        Path data = dataDirs.get(mode);
        String where = mode == Mode.STOP_FALLBACK ? "local fs" : "btrfs";
        String plainWay = "plain, server stopped long before";
        String jobWay = mode == Mode.STOP_FALLBACK ? "fallback job" : "snapshot job, early resume";
        // --pairs, and on btrfs: only plain restic against the job, more rounds in the same time
        List<String> ways = pairsOnly || mode != Mode.STOP_FALLBACK ? List.of(plainWay, jobWay)
                : List.of(plainWay, "plain, right after the server's stop", jobWay, "job of the stopped stack");
        Map<String, List<UploadFigures>> figures = new LinkedHashMap<>();
        for (int i = 1; i <= runs; i++) {
            for (int k = 0; k < ways.size(); k++) {
                String way = ways.get((k + i - 1) % ways.size());
                UploadFigures f = switch (way) {
                    case "plain, server stopped long before" -> plainResticRun(data, where, i, false);
                    case "plain, right after the server's stop" -> {
                        podman.podman("start", mode.stack());
                        awaitPgReady(mode, Duration.ofSeconds(60));
                        evict(data, true);
                        Thread.sleep(2000);
                        apiPost("/containers/" + mode.stack() + "/stop?t=60");
                        yield plainResticRun(data, "local fs, right after the stop", i, false);
                    }
                    default -> {
                        Run r = backupOnce(mode, i, way.equals(jobWay));
                        yield new UploadFigures(r.resticMbs(), r.resticSeconds(), r.childUserCpu(),
                                r.childSystemCpu(), r.uploadMbs(), r.dataPathRestic()[0], r.dataPathRestic()[1]);
                    }
                };
                figures.computeIfAbsent(way, w -> new ArrayList<>()).add(f);
            }
        }
        printPreamble(String.format(Locale.ROOT, "Upload, %s (PostgreSQL 15, pgbench -i -s %d, data dir "
                + "%.1f MB, %d rounds, total bench time %.0f s)", where, scale, dataBytes / 1e6, runs,
                seconds(System.nanoTime() - benchStart)), load, args);
        System.out.println("Jobs: restic's own run for the data dir; \"every restic\" is every restic of the job (with "
                + "the listing, the socket folder and the forgets); \"the data path's restic\" is that one run alone "
                + "(--restic-cpu, GNU time around every restic, plain or the job's).");
        System.out.println();
        System.out.println("| Way | restic's run (s) | MB/s | upload MB/s (jobs: uploading phase to last path stored) "
                + "| every restic: user / system CPU (s) | the data path's restic: user / system CPU (s) "
                + "| restic's run per round (s) |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        for (String way : ways) {
            List<UploadFigures> fs = figures.get(way);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f / %.1f | %.2f / %.2f | %s |%n", way,
                    median(fs.stream().map(UploadFigures::seconds).toList()),
                    median(fs.stream().map(UploadFigures::mbs).toList()),
                    median(fs.stream().map(UploadFigures::uploadMbs).toList()),
                    median(fs.stream().map(UploadFigures::userCpu).toList()),
                    median(fs.stream().map(UploadFigures::systemCpu).toList()),
                    median(fs.stream().map(UploadFigures::dataPathUserCpu).toList()),
                    median(fs.stream().map(UploadFigures::dataPathSystemCpu).toList()),
                    String.join(", ", fs.stream().map(f -> f1(f.seconds())).toList()));
        }
        // the goal: the job's upload against plain restic of the same data, round by round (the host's speed
        // drifts by more than the goal between rounds, less within one)
        List<Double> plain = figures.get(plainWay).stream().map(UploadFigures::uploadMbs).toList();
        List<Double> job = figures.get(jobWay).stream().map(UploadFigures::uploadMbs).toList();
        List<Double> gaps = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            gaps.add(percentBelow(plain.get(i), job.get(i)));
        }
        double ofMedians = percentBelow(median(plain), median(job));
        System.out.println();
        System.out.printf(Locale.ROOT, "The %s's upload below plain restic: per round %s %%; median of the rounds "
                + "%.1f %%, of the medians %.1f %% (goal <= %.0f: %s)%n", jobWay, String.join(", ", gaps.stream().map(
                        BackupBenchmark::f1).toList()), median(gaps), ofMedians, UPLOAD_GOAL_PERCENT,
                yes(median(gaps) <= UPLOAD_GOAL_PERCENT));
    }

    /** The results' title, then the machine, the load before and now, and the command that reproduces them. */
    static void printPreamble(String title, String loadBefore, String[] args) throws IOException {
        System.out.println();
        System.out.println("## " + title);
        System.out.println();
        System.out.println("Machine: " + machine());
        System.out.println("Load average before / after: " + loadBefore + " / "
                + Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.println("Command: scripts/bench-backup " + String.join(" ", args));
        System.out.println();
    }

    /** The app's own clean stop, then start until the ping answers, through the engine API: {stop, start} ms. */
    private double[] referenceOnce(Mode mode, int run) throws Exception {
        return referenceOnce(mode, run, false);
    }

    /**
     * The reference; {@code cold}: with the btrfs loop image dropped from the page cache first, while the server
     * runs, exactly as before a snapshot job (see {@link #backupOnce}), so that both meet the same cache.
     */
    private double[] referenceOnce(Mode mode, int run, boolean cold) throws Exception {
        return referenceOnce(mode, run, cold, false);
    }

    /** The same; {@code underLoad}: with {@link PgLoad}'s inserts from before the evict until the ping answers. */
    double[] referenceOnce(Mode mode, int run, boolean cold, boolean underLoad) throws Exception {
        String name = mode.stack();
        podman.podman("start", name);
        awaitPgReady(mode, Duration.ofSeconds(60));
        try (PgLoad load = underLoad ? BusyApp.insertLoad(socketDirs.get(mode)) : null) {
            if (cold) {
                evict(dataDirs.get(mode), false);
            }
            Thread.sleep(2000);
            long t0 = System.nanoTime();
            apiPost("/containers/" + name + "/stop?t=60");
            long t1 = System.nanoTime();
            apiPost("/containers/" + name + "/start");
            long started = System.nanoTime();
            awaitPgReady(mode, Duration.ofSeconds(60));
            long t2 = System.nanoTime();
            log("reference (%s%s%s) run %d: clean stop %.0f ms + start until the ping answers %.0f ms (the engine's "
                    + "start %.0f ms) = %.0f ms%s", name, cold ? ", loop image cold" : "",
                    underLoad ? ", under the insert load" : "", run, millis(t1 - t0), millis(t2 - t1),
                    millis(started - t1), millis(t2 - t0), load == null ? "" : "; inserts committed "
                            + load.committed() + ", failed " + load.failed());
            return new double[] {millis(t1 - t0), millis(t2 - t1)};
        } finally {
            apiPost("/containers/" + name + "/stop?t=60");
        }
    }

    /** One backup job of one mode through a fresh agent and a fresh repository. */
    private Run backupOnce(Mode mode, int run) throws Exception {
        return backupOnce(mode, run, true);
    }

    /**
     * How one measured job is set up beyond the defaults: {@code agentConfig}, more lines under {@code backup:} (each
     * indented two spaces); {@code beforeRequest}, what runs right before the job is requested (after the page cache
     * was dropped); {@code underLoad}, a {@link PgLoad} from before the page cache is dropped until the job is done;
     * {@code afterJob}, what runs once the job is done.
     */
    record JobSetup(String agentConfig, Step beforeRequest, boolean underLoad, Step afterJob) {
        static final JobSetup PLAIN = new JobSetup("", () -> { }, false, () -> { });
    }

    /** A step of a measurement that may fail. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** {@code serverRunning}: false backs up the stopped stack (no quiesce, no resume: the agent's upload alone). */
    private Run backupOnce(Mode mode, int run, boolean serverRunning) throws Exception {
        return backupOnce(mode, run, serverRunning, JobSetup.PLAIN);
    }

    Run backupOnce(Mode mode, int run, boolean serverRunning, JobSetup setup) throws Exception {
        String stack = mode.stack();
        if (serverRunning) {
            podman.podman("start", stack);
            awaitPgReady(mode, Duration.ofSeconds(60));
        }
        Path repo = freshRepository();
        Path dir = Files.createDirectories(work.resolve("agent-" + stack + "-" + run));
        Path bootId = dir.resolve("boot_id");
        Files.writeString(bootId, UUID.randomUUID() + "\n");
        Path config = dir.resolve("lifeline.yaml");
        Files.writeString(config, "boot-id-file: " + bootId + "\n"
                + "recovery:\n  settle-time: " + settleMillis + "ms\n"
                + "backup:\n  repository: " + repo + "\n  password-file: " + password + "\n"
                + "  staging-budget: 0\n  restic-binary: " + restic + "\n" + setup.agentConfig());
        Map<String, String> env = new LinkedHashMap<>();
        if (logs != null) {
            env.put("LIFELINE_LOG_LEVEL", "DEBUG");
        }
        if (jfr != null) {
            Files.createDirectories(jfr);
            env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,filename=" + jfr.resolve(
                    String.format(Locale.ROOT, "%03d-%s-%d.jfr", repoCounter, stack, run)));
        }
        AgentProcess agent = AgentProcess.start(dir.resolve("data"), List.of("--engine",
                podman.socketUri().toString(), "--config", config.toString()), env);
        PgLoad load = null;
        try {
            agent.awaitReady(Duration.ofSeconds(120));
            if (setup.underLoad()) {
                load = BusyApp.insertLoad(socketDirs.get(mode));
            }
            // the fallback reads the live files; a snapshot's files are new, so only the loop image must go (the
            // live files stay cached, as they are for the reference, and the restarted server finds them there)
            evict(dataDirs.get(mode), mode == Mode.STOP_FALLBACK);
            Thread.sleep(2000);
            setup.beforeRequest().run();
            // The ping measures an outage the job record does not already tell: a snapshot job's, not the fallback's
            // (the whole upload), and none in --upload-only, where it would run beside the job's upload only
            OutageProbe probe = serverRunning && mode != Mode.STOP_FALLBACK && !uploadOnly
                    ? new OutageProbe(socketDirs.get(mode)) : null;
            Thread probeThread = probe == null ? null : Thread.ofPlatform().daemon().start(probe);
            double[] cpuBefore = cpu(agent);
            double benchBefore = BenchOutput.cpuSeconds(ProcessHandle.current().pid());
            Map<Long, BenchOutput.ProcessCpu> everyBefore = BenchOutput.everyProcessCpu();
            HttpResponse<String> answer = agent.post("/backup", "{\"stacks\":[\"" + stack + "\"]}");
            if (answer.statusCode() != 202) {
                throw new IllegalStateException("POST /backup answered " + answer.statusCode() + ": " + answer.body());
            }
            String job = json.readTree(answer.body()).get("job").asText();
            // Waits read the agent's log rather than ask its API, which would have the agent work for the benchmark
            // beside the upload (plain restic has nothing beside it); the probe runs until the stack is back
            String finished = "event=backup_finished job=" + job + " ";
            if (probe != null) {
                agent.awaitLogLine(JOB_TIMEOUT, 50, "event=stack_resumed stack=" + stack + " ", finished);
                awaitPgReady(mode, Duration.ofSeconds(60));
                Thread.sleep(300);
                probe.stop.set(true);
                probeThread.join();
            }
            agent.awaitLogLine(JOB_TIMEOUT, 250, finished);
            double benchCpu = BenchOutput.cpuSeconds(ProcessHandle.current().pid()) - benchBefore;
            JsonNode record = json.readTree(agent.get("/backup/status?job=" + job));
            if (load != null) {
                load.close();
                log("%s run %d: inserts committed during the job %d, failed %d", mode.title, run, load.committed(),
                        load.failed());
            }
            double[] cpuAfter = cpu(agent);
            String top = BenchOutput.topCpu(everyBefore, BenchOutput.everyProcessCpu(), 8);
            if (!"done".equals(record.get("phase").asText())) {
                throw new IllegalStateException(mode.title + ": job " + job + " ended " + record.get("phase").asText()
                        + ": " + record.get("failure") + "\n" + record.toPrettyString() + "\n" + agent.log());
            }
            if (serverRunning && !mode.path.equals(record.get("path").asText())) {
                throw new IllegalStateException(mode.title + ": expected path " + mode.path + " but the job took "
                        + record.get("path").asText() + "; notes: " + record.get("notes"));
            }
            JsonNode s = record.get("stacks").get(0);
            double downtime = s.path("downtimeMs").asDouble(0);
            Instant uploading = Instant.parse(record.get("phases").get("uploading").asText());
            Instant done = Instant.parse(record.get("phases").get("done").asText());
            long bytes = 0;
            for (JsonNode u : record.get("uploads")) {
                bytes += u.get("totalBytes").asLong();
            }
            Instant lastStored = uploading;
            for (JsonNode u : record.get("uploads")) {
                Instant at = Instant.parse(u.get("storedAt").asText());
                lastStored = at.isAfter(lastStored) ? at : lastStored;
            }
            double uploadSeconds = Duration.between(uploading, lastStored).toMillis() / 1000.0;
            double phaseSeconds = Duration.between(uploading, done).toMillis() / 1000.0;
            // from the job's first phase to done (the record's finishedAt is not always filled in)
            double jobSeconds = Duration.between(Instant.parse(record.get("createdAt").asText()), done).toMillis()
                    / 1000.0;
            double resticSeconds = resticSecondsOfDataDir(agent.log(), dataDirs.get(mode));
            double outage = probe == null ? Double.NaN : probe.longestOutageMs();
            if (probe != null) {
                log("%s run %d: the ping's longest outage ended at %s", mode.title, run, probe.longestEndedAt);
            }
            log("%s run %d: downtime %.0f ms (probe: %.0f ms), upload %.1f MB in %.1f s = %.1f MB/s (restic's own run "
                    + "%.1f s; to done %.1f s), job %.1f s", mode.title, run, downtime, outage,
                    bytes / 1e6, uploadSeconds, bytes / 1e6 / uploadSeconds, resticSeconds, phaseSeconds, jobSeconds);
            log("%s run %d: CPU from the request to the record (s): agent %.2f, its children (restic, btrfs) %.2f "
                    + "(user %.2f, system %.2f), podman service %.2f, the benchmark itself %.2f, whole machine %.2f",
                    mode.title, run, cpuAfter[0] - cpuBefore[0], cpuAfter[1] - cpuBefore[1],
                    cpuAfter[4] - cpuBefore[4], cpuAfter[5] - cpuBefore[5], cpuAfter[2] - cpuBefore[2], benchCpu,
                    cpuAfter[3] - cpuBefore[3]);
            log("%s run %d: CPU by process (s, with reaped children): %s", mode.title, run, top);
            double[] dataPathRestic = logResticTimes(mode.title + " run " + run, dataDirs.get(mode));
            double flushMs = sum(record.path("flushes"), "millis");
            double prepareMs = sum(record.path("prepareHooks"), "millis");
            log("%s run %d: before the marker: prepare hooks %.0f ms, flush %.0f ms %s", mode.title, run, prepareMs,
                    flushMs, record.path("flushes"));
            String agentLog = agent.log();
            double stopMs = logged(agentLog, "event=container_stopped", "duration_ms=", 1);
            double snapshotMs = logged(agentLog, "event=snapshot_taken provider=btrfs source=" + dataDirs.get(mode)
                    + " ", "micros=", 1e-3);
            log("%s run %d: inside the window: the engine's stop %.0f ms, the data dir's snapshot command %.0f ms",
                    mode.title, run, stopMs, snapshotMs);
            return new Run(downtime, outage, uploadSeconds, bytes, jobSeconds, resticSeconds,
                    phaseSeconds, cpuAfter[4] - cpuBefore[4], cpuAfter[5] - cpuBefore[5], flushMs, prepareMs, stopMs,
                    snapshotMs, dataPathRestic);
        } finally {
            if (load != null) {
                load.close();
            }
            setup.afterJob().run();
            agent.terminate();
            if (logs != null) {
                Files.createDirectories(logs);
                // numbered by the repository: unique per job, in the order the jobs ran
                Files.writeString(logs.resolve(String.format(Locale.ROOT, "%03d-%s-%d.log", repoCounter, stack, run)),
                        agent.log());
            }
            podman.podmanResult("stop", "-t", "60", stack);
            removeRepository(repo);
        }
    }

    /**
     * The number after {@code key} on the first agent log line holding {@code event}, times {@code scale}; NaN when
     * there is none.
     */
    private static double logged(String agentLog, String event, String key, double scale) {
        for (String line : agentLog.lines().toList()) {
            int at = line.indexOf(key);
            if (line.contains(event) && at >= 0) {
                return Long.parseLong(line.substring(at + key.length()).split("\\s")[0]) * scale;
            }
        }
        return Double.NaN;
    }

    /** The sum of {@code field} over the records of a job record's list; NaN when the list is empty or absent. */
    private static double sum(JsonNode list, String field) {
        double total = Double.NaN;
        for (JsonNode item : list) {
            total = (Double.isNaN(total) ? 0 : total) + item.path(field).asDouble();
        }
        return total;
    }

    /** The agent's log line for the data dir's upload: {@code event=backup_stored ... duration_ms=N}. */
    private static double resticSecondsOfDataDir(String agentLog, Path dataDir) {
        double seconds = Double.NaN;
        for (String line : agentLog.lines().toList()) {
            int at = line.indexOf("duration_ms=");
            if (line.contains("event=data_path_uploaded") && line.contains("source=" + dataDir + " ")) {
                return seconds;
            }
            if (line.contains("event=backup_stored") && at >= 0) {
                seconds = Long.parseLong(line.substring(at + 12).split("\\s")[0]) / 1000.0;
            }
        }
        return Double.NaN;
    }

    /**
     * CPU seconds so far: the agent's own, its reaped children's, the Podman service's, the whole machine's, then the
     * reaped children's user and system time apart.
     */
    private double[] cpu(AgentProcess agent) throws IOException {
        long podmanPid = podman.servicePid();
        double[] children = BenchOutput.waitedChildrenUserSystem(agent.pid());
        return new double[] {BenchOutput.cpuSeconds(agent.pid()), children[0] + children[1],
                podmanPid < 0 ? 0 : BenchOutput.cpuSeconds(podmanPid), BenchOutput.machineBusySeconds(), children[0],
                children[1]};
    }

    /**
     * Writes back what is dirty, then drops every file under {@code dir} from the page cache, and the btrfs loop
     * device's image file when {@code dir} is on it: each upload, plain restic's and Lifeline's alike, then reads its
     * data from the disk, as a nightly backup of data nobody read lately does. A warm cache would favour plain restic:
     * a new btrfs snapshot's files have a page cache of their own, empty, while the live files it is compared with
     * can be read into the cache beforehand (and 2 data sets plus the loop image do not all fit in this machine's
     * memory, so "warm" would also depend on what ran before). {@code files}: also the files under {@code dir}
     * (without it, only the loop image).
     */
    private void evict(Path dir, boolean files) throws IOException {
        long t0 = System.nanoTime();
        Processes.run(List.of("sync"), Map.of(), null, Duration.ofMinutes(5));
        // GNU dd: iflag=nocache count=0 advises the kernel to drop the whole file's clean pages
        List<String> drop = List.of("dd", "iflag=nocache", "count=0", "status=none");
        if (files) {
            List<String> find = new ArrayList<>(List.of("find", dir.toString(), "-type", "f", "-exec"));
            find.addAll(drop);
            find.addAll(List.of("if={}", ";"));
            ProcessResult r = Processes.run(find, Map.of(), null, Duration.ofMinutes(5));
            if (!r.ok() && !r.stderr().contains("No such file")) { // a live database removes files now and then
                throw new IllegalStateException("cannot drop " + dir + " from the page cache: " + r.stderr());
            }
        }
        String left = "";
        if (btrfsImage != null && dir.startsWith(btrfsImage.getParent())) {
            List<String> image = new ArrayList<>(drop);
            image.add("if=" + btrfsImage);
            Processes.run(image, Map.of(), null, Duration.ofMinutes(5)).stdoutOrThrow();
            left = ", loop image cached after: " + Processes.run(List.of("fincore", "--bytes", "--noheadings",
                    "--output", "RES", btrfsImage.toString()), Map.of(), null, Duration.ofMinutes(1)).stdout().strip()
                    + " bytes";
        }
        log("dropped %s from the page cache in %.1f s%s", files ? dir : btrfsImage, seconds(System.nanoTime() - t0),
                left);
    }

    /** Plain {@code restic backup DIR} into a fresh repository; returns MB/s over restic's own processed bytes. */
    private double plainRestic(Path data, String where, int run) throws Exception {
        return plainRestic(data, where, run, false);
    }

    private double plainRestic(Path data, String where, int run, boolean lifelineArgs) throws Exception {
        return plainResticRun(data, where, run, lifelineArgs).mbs();
    }

    /**
     * One upload's figures: restic's MB/s and seconds, its user and system CPU seconds, and the upload's MB/s as the
     * goal counts it (for plain restic its own; for a job, from the uploading phase to the last data path stored).
     */
    private record UploadFigures(double mbs, double seconds, double userCpu, double systemCpu, double uploadMbs,
            double dataPathUserCpu, double dataPathSystemCpu) {}

    /**
     * {@code lifelineArgs}: restic started as the agent starts it (through {@code setpriv --pdeathsig}, JSON progress
     * twice a second, host and tags, the data dir as working directory and {@code .} as the path), outside the agent:
     * tells the cost of the invocation apart from the cost of running beside the agent and a stopped server.
     */
    private UploadFigures plainResticRun(Path data, String where, int run, boolean lifelineArgs) throws Exception {
        Path repo = freshRepository();
        try {
            evict(data, true);
            long self = ProcessHandle.current().pid();
            double[] split0 = BenchOutput.waitedChildrenUserSystem(self);
            double machine0 = BenchOutput.machineBusySeconds();
            Map<Long, BenchOutput.ProcessCpu> everyBefore = BenchOutput.everyProcessCpu();
            double bench0 = BenchOutput.cpuSeconds(self);
            long t0 = System.nanoTime();
            ProcessResult r = lifelineArgs
                    ? Processes.run(List.of("setpriv", "--pdeathsig", "TERM", restic, "-r", repo.toString(),
                            "--password-file", password.toString(), "backup", "--json", "--host", "bench", "--tag",
                            "lifeline.stack=bench", "--", "."), Map.of("RESTIC_PROGRESS_FPS", "2"), data, JOB_TIMEOUT)
                    : Processes.run(List.of(restic, "-r", repo.toString(), "--password-file", password.toString(),
                            "backup", "--json", "--quiet", data.toString()), Map.of(), null, JOB_TIMEOUT);
            long t1 = System.nanoTime();
            if (!r.ok()) {
                throw new IllegalStateException("plain restic backup failed: " + r.stderr());
            }
            long bytes = 0;
            for (String line : r.stdout().lines().toList()) {
                if (line.contains("\"summary\"")) {
                    bytes = json.readTree(line).get("total_bytes_processed").asLong();
                }
            }
            double mbs = bytes / 1e6 / seconds(t1 - t0);
            double[] split1 = BenchOutput.waitedChildrenUserSystem(self);
            double user = split1[0] - split0[0];
            double system = split1[1] - split0[1];
            log("plain restic backup (%s%s) run %d: %.1f MB in %.1f s = %.1f MB/s; CPU (s): restic %.2f (user %.2f, "
                    + "system %.2f), the benchmark itself %.2f, whole machine %.2f", where,
                    lifelineArgs ? ", Lifeline's arguments" : "", run, bytes / 1e6, seconds(t1 - t0), mbs,
                    user + system, user, system, BenchOutput.cpuSeconds(self) - bench0,
                    BenchOutput.machineBusySeconds() - machine0);
            log("plain restic backup (%s) run %d: CPU by process (s, with reaped children): %s", where, run,
                    BenchOutput.topCpu(everyBefore, BenchOutput.everyProcessCpu(), 8));
            double[] own = logResticTimes("plain restic (" + where + ") run " + run, data);
            return new UploadFigures(mbs, seconds(t1 - t0), user, system, mbs, own[0], own[1]);
        } finally {
            removeRepository(repo);
        }
    }

    /** A new, initialized restic repository (initializing is not part of any measured upload). */
    private Path freshRepository() {
        Path repo = work.resolve("repo-" + (++repoCounter));
        ProcessResult r = Processes.run(List.of("restic", "-r", repo.toString(), "--password-file",
                password.toString(), "init"), Map.of(), null, Duration.ofMinutes(2));
        if (!r.ok()) {
            throw new IllegalStateException("restic init failed: " + r.stderr());
        }
        return repo;
    }

    /**
     * The container with its data dir and its socket folder bind-mounted; {@code socketParent} is on the data's
     * filesystem (a job falls back to stop mode unless every data path of the stack can be snapshotted).
     */
    private void createPostgres(Mode mode, Path socketParent) throws IOException {
        Path sockets = Files.createDirectories(socketParent.resolve("sock-" + mode.stack()));
        // The agent backs up every writable bind mount, this one too; restic refuses an empty folder ("snapshot is
        // empty"), which fails the whole job, and the socket folder is empty while the server is stopped.
        Files.writeString(sockets.resolve("README"), "PostgreSQL's socket folder, bind-mounted for the benchmark's ping\n");
        socketDirs.put(mode, sockets);
        List<String> create = new ArrayList<>(List.of("create", "--name", mode.stack(), "--network", "none",
                "--label", "lifeline.stack=" + mode.stack(), "--label", "lifeline.quiesce=" + mode.quiesce));
        if (mode == Mode.STOP_BTRFS_CHECKPOINT) {
            // README's example: PostgreSQL's own checkpoint while it still serves, before the job's marker
            create.addAll(List.of("--label", "lifeline.quiesce.prepare=psql -X -q -h " + SOCKET_DIR
                    + " -U postgres -c CHECKPOINT"));
        }
        create.addAll(List.of("--health-cmd", HEALTH, "--health-interval", "1s", "-e", "LISTEN_ADDRESSES=",
                "-v", dataDirs.get(mode) + ":" + PostgresImage.DATA_DIR, "-v", sockets + ":" + SOCKET_DIR,
                PostgresImage.NAME));
        podman.podman(create.toArray(String[]::new));
    }

    /** What pg_isready would say, asked on the server's socket (bind-mounted to the host): no engine, no process. */
    private static boolean pgReady(Path socketDir) {
        return PgPing.ready(socketDir, 1000);
    }

    private void awaitPgReady(Mode mode, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (pgReady(socketDirs.get(mode))) {
                return;
            }
            Thread.sleep(PROBE_MS);
        }
        throw new IllegalStateException(mode.stack() + ": the ping got no answer within " + timeout + ":\n"
                + podman.podmanResult("logs", "--tail", "30", mode.stack()).stderr());
    }

    /**
     * Pings the server every {@link #PROBE_MS}; the longest span from the last answer before a gap to the first after it, or the
     * longest single answer when that is longer (a paused server answers only once thawed).
     */
    private static final class OutageProbe implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        private final Path socketDir;
        private volatile long longestNanos;
        /** When the longest outage ended (the first answer after it), to read beside the agent's log. */
        private volatile Instant longestEndedAt;

        OutageProbe(Path socketDir) {
            this.socketDir = socketDir;
        }

        @Override
        public void run() {
            long lastOk = System.nanoTime();
            boolean down = false;
            while (!stop.get()) {
                long before = System.nanoTime();
                boolean ok = pgReady(socketDir);
                long now = System.nanoTime();
                if (ok) {
                    // a paused server answers late rather than not at all: a slow answer is a stall the app sees
                    longestNanos = Math.max(longestNanos, now - before);
                    if (down) {
                        if (now - lastOk > longestNanos) {
                            longestNanos = now - lastOk;
                            longestEndedAt = Instant.now();
                        }
                        down = false;
                    }
                    lastOk = now;
                } else {
                    down = true;
                }
                long sleep = PROBE_MS - (now - before) / 1_000_000;
                if (sleep > 0) {
                    try {
                        Thread.sleep(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        double longestOutageMs() {
            return longestNanos / 1e6;
        }
    }

    /** Starts the mode's server and waits until the ping answers. */
    void podmanStart(Mode mode) throws InterruptedException {
        podman.podman("start", mode.stack());
        awaitPgReady(mode, Duration.ofSeconds(60));
    }

    /** Stops the mode's server cleanly. */
    void podmanStop(Mode mode) throws IOException {
        apiPost("/containers/" + mode.stack() + "/stop?t=60");
    }

    /** Runs {@code sql} in the mode's running server. */
    void psql(Mode mode, String sql) {
        exec(mode, "psql", "-X", "-q", "-h", SOCKET_DIR, "-U", "postgres", "-c", sql);
    }

    /** {@code sync}: everything dirty on every filesystem written back. */
    void syncAll() {
        Processes.run(List.of("sync"), Map.of(), null, Duration.ofMinutes(5)).stdoutOrThrow();
    }

    private void exec(Mode mode, String... command) {
        List<String> args = new ArrayList<>(List.of("podman", "exec", "-u", "postgres", mode.stack()));
        args.addAll(List.of(command));
        ProcessResult r = Processes.run(args, podman.env(), podman.dir(), Duration.ofHours(2));
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + r.stderr());
        }
    }

    /**
     * Deletes a repository, then waits until the disks are quiet: the root filesystem is mounted with {@code discard}
     * here, so deleting gigabytes of pack files sends discards to the device for a while, and the next measured
     * upload must not read beside them.
     */
    private static void removeRepository(Path repo) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Processes.run(List.of("rm", "-rf", "--one-file-system", repo.toString()), Map.of(), null,
                Duration.ofMinutes(10)).stdoutOrThrow();
        Processes.run(List.of("sync"), Map.of(), null, Duration.ofMinutes(5));
        String last = diskActivity();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < 1_000_000_000L && System.nanoTime() - t0 < 120_000_000_000L) {
            Thread.sleep(100);
            String now = diskActivity();
            if (!now.equals(last)) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
        log("removed %s; disks quiet after %.1f s", repo, seconds(System.nanoTime() - t0));
    }

    /** Requests in flight and discards completed, of every block device. */
    private static String diskActivity() throws IOException {
        StringBuilder b = new StringBuilder();
        try (java.util.stream.Stream<Path> devices = Files.list(Path.of("/sys/block"))) {
            for (Path d : devices.sorted().toList()) {
                String[] f = Files.readString(d.resolve("stat")).trim().split("\\s+");
                // fields (0-based): 8 in flight, 11 discards completed
                b.append(d.getFileName()).append(' ').append(f[8]).append(' ').append(f.length > 11 ? f[11] : "-")
                        .append(';');
            }
        }
        return b.toString();
    }

    private static void sh(String script) {
        ProcessResult r = Processes.run(List.of("sh", "-c", script), Map.of(), null, Duration.ofHours(1));
        if (!r.ok()) {
            throw new IllegalStateException(script + " failed (exit " + r.exitCode() + "): " + r.stderr());
        }
    }

    private static long duBytes(Path dir) {
        ProcessResult r = Processes.run(List.of("du", "-sb", dir.toString()), Map.of(), null, Duration.ofMinutes(5));
        return Long.parseLong(r.stdoutOrThrow().split("\\s+")[0]);
    }

    /** {@code POST path} on the engine's socket (Docker-compatible API); fails unless 2xx or 304. */
    private void apiPost(String path) throws IOException {
        int status = BenchOutput.enginePost(podman.socketPath(), path);
        if (status / 100 != 2 && status != 304) {
            throw new IOException("engine answered " + path + " with HTTP " + status);
        }
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " CPUs (nproc), kernel " + cmd("uname", "-r") + ", "
                + cmd("podman", "--version") + ", " + cmd("restic", "version") + ", "
                + cmd("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip() + ", "
                + cmd("sh", "-c", "free -g | awk '/Mem:/{print $2\" GiB RAM\"}'");
    }

    private static String cmd(String... command) {
        ProcessResult r = Processes.run(List.of(command), Map.of(), null, Duration.ofSeconds(20));
        return r.ok() ? r.stdout().strip() : "?";
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    static String f0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
