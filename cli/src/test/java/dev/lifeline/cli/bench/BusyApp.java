package dev.lifeline.cli.bench;

import static dev.lifeline.cli.bench.BackupBenchmark.f0;
import static dev.lifeline.cli.bench.BenchOutput.log;
import static dev.lifeline.cli.bench.BenchOutput.median;
import static dev.lifeline.cli.bench.BenchOutput.yes;

import dev.lifeline.cli.bench.BackupBenchmark.JobSetup;
import dev.lifeline.cli.bench.BackupBenchmark.Mode;
import dev.lifeline.cli.bench.BackupBenchmark.Run;
import dev.lifeline.testkit.btrfs.BtrfsLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code scripts/bench-backup --busy}: the early resume of a busy app, whose data was just written or which takes
 * inserts all along, side by side in one run with the flushed case and the app's own stop + start. Per round, in an
 * order that rotates from round to round (the host drifts), on the btrfs subvolume (stop mode, snapshot):
 * <ol>
 *   <li>the reference: the app's own clean stop + start until the ping answers (loop image out of the page cache,
 *       as before every job);</li>
 *   <li>a job with N MB (default 600, {@code --dirty-mb}) written into the data dir and synced before it;</li>
 *   <li>the same N MB written right before the job, without a sync (in the page cache, dirty);</li>
 *   <li>the same with the agent's flush turned off ({@code backup.flush-timeout: 0s}): where the dirty data was
 *       written back inside the downtime, as before the flush existed;</li>
 *   <li>the reference under a steady insert load ({@link PgLoad}: 10 rows of 1 kB every 10 ms, one commit each);</li>
 *   <li>a job under the same load, from before the job until it is done;</li>
 *   <li>the same on a copy of the data whose stack runs PostgreSQL's {@code CHECKPOINT} as its
 *       {@code lifeline.quiesce.prepare} hook.</li>
 * </ol>
 * Each job reports its downtime by the record and by the ping, and the flush's own time (and the prepare hook's) from
 * the record.
 */
final class BusyApp {
    static final int DEFAULT_DIRTY_MB = 600;
    /** The insert load: rows per statement, and one statement every this many milliseconds. */
    static final int LOAD_ROWS = 10;
    static final long LOAD_INTERVAL_MS = 10;
    private static final String DIRTY_FILE = "lifeline-bench-unsynced";

    private final BackupBenchmark bench;
    private final int dirtyMegabytes;
    private final Path dirtySource;

    BusyApp(BackupBenchmark bench, int dirtyMegabytes) throws IOException {
        this.bench = bench;
        this.dirtyMegabytes = dirtyMegabytes;
        this.dirtySource = bench.work.resolve("dirty-source");
        BtrfsLoop.writeUnsynced(dirtySource, dirtyMegabytes);
    }

    /** The benchmark's insert load on the server whose socket folder is {@code socketDir}. */
    static PgLoad insertLoad(Path socketDir) {
        return PgLoad.start(socketDir, LOAD_ROWS, LOAD_INTERVAL_MS);
    }

    /** One way of a round, and how it is measured: a reference's total, or a job's figures. */
    private record Way(String title, Mode mode, boolean reference, JobSetup setup) {}

    void measure(int runs, long dataBytes, int scale, String load, String[] args, long benchStart) throws Exception {
        for (Mode m : List.of(Mode.STOP_BTRFS, Mode.STOP_BTRFS_CHECKPOINT)) {
            bench.podmanStart(m);
            bench.psql(m, PgLoad.CREATE_TABLE);
            bench.podmanStop(m);
        }
        Path data = bench.dataDirs.get(Mode.STOP_BTRFS);
        String mb = dirtyMegabytes + " MB";
        List<Way> ways = List.of(
                new Way("reference: the app's own clean stop + start", Mode.STOP_BTRFS, true, null),
                new Way("job, " + mb + " written and synced before it", Mode.STOP_BTRFS, false,
                        dirty(data, true, "")),
                new Way("job, " + mb + " written right before it, no sync", Mode.STOP_BTRFS, false,
                        dirty(data, false, "")),
                new Way("job, " + mb + " written right before it, no sync, the agent's flush off", Mode.STOP_BTRFS,
                        false, dirty(data, false, "  flush-timeout: 0s\n")),
                new Way("reference under the insert load", Mode.STOP_BTRFS, true, null),
                new Way("job under the insert load", Mode.STOP_BTRFS, false,
                        new JobSetup("", () -> { }, true, () -> { })),
                new Way("job under the insert load, CHECKPOINT before the marker", Mode.STOP_BTRFS_CHECKPOINT, false,
                        new JobSetup("", () -> { }, true, () -> { })));
        Map<Way, List<Run>> jobs = new LinkedHashMap<>();
        Map<Way, List<Double>> references = new LinkedHashMap<>();
        for (int i = 1; i <= runs; i++) {
            for (int k = 0; k < ways.size(); k++) {
                Way way = ways.get((k + i - 1) % ways.size());
                log("round %d: %s", i, way.title());
                if (way.reference()) {
                    double[] r = bench.referenceOnce(way.mode(), i, true, way.title().contains("load"));
                    references.computeIfAbsent(way, w -> new ArrayList<>()).add(r[0] + r[1]);
                } else {
                    jobs.computeIfAbsent(way, w -> new ArrayList<>()).add(bench.backupOnce(way.mode(), i, true,
                            way.setup()));
                }
            }
        }
        BackupBenchmark.printPreamble(String.format(Locale.ROOT, "Busy app: early-resume downtime with data just "
                + "written and under an insert load (PostgreSQL 15, pgbench -i -s %d, data dir %.1f MB, %d MB written"
                + " before a job, %d rows of 1 kB every %d ms, %d rounds, total bench time %.0f s)", scale,
                dataBytes / 1e6, dirtyMegabytes, LOAD_ROWS, LOAD_INTERVAL_MS, runs,
                (System.nanoTime() - benchStart) / 1e9), load, args);
        System.out.println("| Way (medians, ms) | job record | ping outage | flush before the marker | prepare hook "
                + "| in the window: engine stop / snapshot command | per round: record / ping |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        for (Way way : ways) {
            if (way.reference()) {
                List<Double> r = references.get(way);
                System.out.printf(Locale.ROOT, "| %s | %s | %s | | | | %s |%n", way.title(), f0(median(r)),
                        f0(median(r)), String.join(", ", r.stream().map(BackupBenchmark::f0).toList()));
            } else {
                List<Run> rs = jobs.get(way);
                List<String> perRound = rs.stream().map(r -> f0(r.downtimeMs()) + " / " + f0(r.probeOutageMs()))
                        .toList();
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s / %s | %s |%n", way.title(),
                        ms(medianOf(rs, Run::downtimeMs)), ms(medianOf(rs, Run::probeOutageMs)),
                        ms(medianOf(rs, Run::flushMs)), ms(medianOf(rs, Run::prepareMs)),
                        ms(medianOf(rs, Run::stopMs)), ms(medianOf(rs, Run::snapshotMs)), String.join(", ",
                                perRound));
            }
        }
        System.out.println();
        double reference = median(references.get(ways.get(0)));
        double referenceLoaded = median(references.get(ways.get(4)));
        List<Run> flushed = jobs.get(ways.get(1));
        System.out.println("| Goal (issue 16) | record | ping | goal | met |");
        System.out.println("| --- | ---: | ---: | ---: | --- |");
        goal("data just written: minus the flushed case", jobs.get(ways.get(2)), medianOf(flushed, Run::downtimeMs),
                medianOf(flushed, Run::probeOutageMs), 50);
        goal("data just written: minus the app's own stop + start", jobs.get(ways.get(2)), reference, reference, 50);
        for (Way loaded : List.of(ways.get(5), ways.get(6))) {
            String name = loaded.mode() == Mode.STOP_BTRFS_CHECKPOINT ? "under load, CHECKPOINT before" : "under load";
            goal(name + ": minus the flushed case", jobs.get(loaded), medianOf(flushed, Run::downtimeMs),
                    medianOf(flushed, Run::probeOutageMs), 100);
            goal(name + ": minus the app's own stop + start under the load", jobs.get(loaded), referenceLoaded,
                    referenceLoaded, 100);
        }
    }

    /** A goal row: the job's medians minus the two references, against the bound. */
    private static void goal(String what, List<Run> runs, double recordReference, double pingReference,
            double bound) {
        double record = medianOf(runs, Run::downtimeMs) - recordReference;
        double ping = medianOf(runs, Run::probeOutageMs) - pingReference;
        System.out.printf(Locale.ROOT, "| %s | %+.0f | %+.0f | <= +%.0f | %s |%n", what, record, ping, bound,
                yes(record <= bound && ping <= bound));
    }

    /** Milliseconds without decimals, or {@code -} where there is no figure (no prepare hook, the flush off). */
    private static String ms(double value) {
        return Double.isNaN(value) ? "-" : f0(value);
    }

    private static double medianOf(List<Run> runs, Function<Run, Double> figure) {
        return median(runs.stream().map(figure).filter(v -> !v.isNaN()).toList());
    }

    /**
     * A job whose data dir gets the N MB right before it ({@code synced}: then {@code sync}, as the flushed case),
     * removed again once the job is done.
     */
    private JobSetup dirty(Path data, boolean synced, String agentConfig) {
        Path file = data.resolve(DIRTY_FILE);
        return new JobSetup(agentConfig, () -> {
            long t0 = System.nanoTime();
            Files.copy(dirtySource, file, StandardCopyOption.REPLACE_EXISTING);
            long t1 = System.nanoTime();
            if (synced) {
                bench.syncAll();
            }
            log("wrote %d MB into %s in %.0f ms%s; dirty now %d MB", dirtyMegabytes, data, (t1 - t0) / 1e6,
                    synced ? String.format(Locale.ROOT, ", synced in %.0f ms", (System.nanoTime() - t1) / 1e6) : "",
                    dirtyKilobytes() / 1024);
        }, false, () -> Files.deleteIfExists(file));
    }

    /** {@code Dirty} in /proc/meminfo (kB). */
    private static long dirtyKilobytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("Dirty:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }
}
