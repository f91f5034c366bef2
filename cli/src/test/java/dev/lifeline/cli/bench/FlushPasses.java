package dev.lifeline.cli.bench;

import static dev.lifeline.cli.bench.BenchOutput.intArg;
import static dev.lifeline.cli.bench.BenchOutput.log;
import static dev.lifeline.cli.bench.BenchOutput.median;

import dev.lifeline.agent.snapshot.SyncfsFlush;
import dev.lifeline.core.snapshot.DataFlush.Flushed;
import dev.lifeline.testkit.btrfs.BtrfsLoop;
import dev.lifeline.testkit.podman.Processes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Does a second flush pass pay? (Not a test: {@code scripts/bench-backup --flush-passes}.) On a btrfs loop device,
 * per round: a backlog of B MB written without a sync ({@code --backlog-mb}, default 600), a writer that goes on
 * writing at R MB/s ({@code --write-mbs}, default 60) as a busy app does, then the flush the agent runs before the
 * marker, with one pass, or with a second one while the kernel still reports more than {@code --threshold-mb} (default
 * 16, the agent's) dirty; then 150 ms (the app's stop, during which it still writes), the writer stops, and the btrfs
 * snapshot command is timed: what it still has to write back is what a job's downtime pays. One pass and two passes
 * alternate, their order swapped from round to round.
 */
public final class FlushPasses {
    private static final long STOP_MS = 150;

    private FlushPasses() {}

    public static void main(String[] args) throws Exception {
        int rounds = intArg(args, "--runs", 6);
        int backlogMb = intArg(args, "--backlog-mb", 600);
        int writeMbs = intArg(args, "--write-mbs", 60);
        long thresholdBytes = (long) intArg(args, "--threshold-mb", 16) << 20;
        BtrfsLoop.requireBtrfsProgs();
        Map<Integer, List<double[]>> byPasses = new LinkedHashMap<>();
        // the backlog's source lives outside the btrfs filesystem: a copy inside it would be a reflink, not a write
        Path source = Files.createTempFile(Path.of("/var/tmp"), "lifeline-backlog-", "");
        try (BtrfsLoop btrfs = BtrfsLoop.create((4L * backlogMb << 20) + (2L << 30))) {
            BtrfsLoop.writeUnsynced(source, backlogMb);
            for (int i = 1; i <= rounds; i++) {
                for (int passes : i % 2 == 1 ? List.of(1, 2) : List.of(2, 1)) {
                    byPasses.computeIfAbsent(passes, p -> new ArrayList<>())
                            .add(round(btrfs, source, i, passes, writeMbs, thresholdBytes));
                }
            }
        } finally {
            Files.deleteIfExists(source);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "## Second flush pass: %d MB backlog, a writer at %d MB/s, second pass above "
                + "%d MB dirty, %d rounds%n%n", backlogMb, writeMbs, thresholdBytes >> 20, rounds);
        System.out.println("| Passes allowed | flush before the marker (ms) | passes run | dirty after (MB) "
                + "| snapshot command in the window (ms) | per round (ms) |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | --- |");
        byPasses.forEach((passes, rs) -> System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.0f | %s |%n",
                passes, median(column(rs, 0)), median(column(rs, 1)), median(column(rs, 2)),
                median(column(rs, 3)), String.join(", ", column(rs, 3).stream()
                        .map(v -> String.format(Locale.ROOT, "%.0f", v)).toList())));
    }

    /** One round: {flush ms, passes run, dirty MB after the flush, snapshot command ms}. */
    private static double[] round(BtrfsLoop btrfs, Path source, int round, int passes, int writeMbs,
            long thresholdBytes) throws Exception {
        Path vol = btrfs.subvolume("vol-" + round + "-" + passes);
        Files.copy(source, vol.resolve("backlog"));
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = Thread.ofPlatform().start(() -> write(vol, writeMbs, stop));
        SyncfsFlush flush = new SyncfsFlush(List.of("sync", "-f"), Duration.ofSeconds(60), InstantSource.system(),
                passes, thresholdBytes);
        Flushed flushed = flush.flush(List.of(vol)).getFirst();
        double dirtyAfter = dirtyMegabytes();
        Thread.sleep(STOP_MS);
        stop.set(true);
        writer.join();
        long t0 = System.nanoTime();
        Path snapshot = btrfs.mountPoint().resolve("snap-" + round + "-" + passes);
        Processes.run(List.of("btrfs", "subvolume", "snapshot", "-r", vol.toString(), snapshot.toString()), Map.of(),
                null, Duration.ofMinutes(5)).stdoutOrThrow();
        double snapshotMs = (System.nanoTime() - t0) / 1e6;
        log("round %d, %d pass(es) allowed: flush %d ms in %d pass(es), dirty after %.0f MB; snapshot %.0f ms", round,
                passes, flushed.took().toMillis(), flushed.passes(), dirtyAfter, snapshotMs);
        for (Path p : List.of(snapshot, vol)) {
            Processes.run(List.of("btrfs", "subvolume", "delete", p.toString()), Map.of(), null,
                    Duration.ofMinutes(5)).stdoutOrThrow();
        }
        // deleted subvolumes free their space in the background: wait, or the next round's backlog finds no room
        Processes.run(List.of("btrfs", "subvolume", "sync", btrfs.mountPoint().toString()), Map.of(), null,
                Duration.ofMinutes(5)).stdoutOrThrow();
        Processes.run(List.of("sync"), Map.of(), null, Duration.ofMinutes(5)).stdoutOrThrow();
        return new double[] {flushed.took().toMillis(), flushed.passes(), dirtyAfter, snapshotMs};
    }

    /** Writes 4 MB files into {@code dir} at about {@code mbs} MB/s until {@code stop}. */
    private static void write(Path dir, int mbs, AtomicBoolean stop) {
        byte[] chunk = new byte[4 << 20];
        new Random(19).nextBytes(chunk);
        long periodNanos = 4_000_000_000L / mbs;
        long next = System.nanoTime();
        for (int i = 0; !stop.get(); i++) {
            try (OutputStream out = Files.newOutputStream(dir.resolve("w-" + (i % 64)))) {
                out.write(chunk);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            next += periodNanos;
            long sleep = (next - System.nanoTime()) / 1_000_000;
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static double dirtyMegabytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("Dirty:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024.0;
            }
        }
        return Double.NaN;
    }

    private static List<Double> column(List<double[]> rows, int i) {
        return rows.stream().map(r -> r[i]).toList();
    }
}
