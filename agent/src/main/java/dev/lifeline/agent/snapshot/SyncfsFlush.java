package dev.lifeline.agent.snapshot;

import dev.lifeline.core.log.KeyValues;
import dev.lifeline.core.snapshot.DataFlush;
import dev.lifeline.core.snapshot.SnapshotException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DataFlush} with {@code syncfs(2)}: every dirty page and inode of one filesystem written back, the
 * filesystem's own commit included (btrfs commits its transaction, as its snapshot would). Java has no syncfs, so
 * it runs {@code sync -f PATH} (GNU coreutils 8.24 and newer) from an argument list, through
 * {@link dev.lifeline.agent.process.ChildProcesses} like every child of the agent, so it ends with the agent.
 *
 * <p>One flush per filesystem, whatever the number of data paths on it, the filesystems at once; a second pass
 * writes back what busy apps wrote during a long first one, while the kernel still reports much dirty data
 * ({@code Dirty} in {@code /proc/meminfo}: the host's, not this filesystem's, so at worst the second pass finds
 * little to do and costs a few milliseconds while the apps serve). Each filesystem's flush is bounded:
 * a flush that outlives the bound is killed and the job goes on without waiting for it (a process inside a system
 * call that writes to the disk ends only when the call returns; the snapshot then waits for the same data, as it
 * would have without the flush).
 *
 * <p>The same flush serves every snapshot provider: a btrfs snapshot flushes its subvolume's dirty data, a reflink
 * copy waits for the source's, and a stop-mode fallback's apps flush their own files as they shut down.
 */
public final class SyncfsFlush implements DataFlush {
    private static final Logger log = LoggerFactory.getLogger(SyncfsFlush.class);
    static final List<String> SYNC_FILESYSTEM = List.of("sync", "-f");
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private final List<String> command;
    private final Duration bound;
    private final InstantSource clock;
    private final int maxPasses;
    private final long secondPassDirtyBytes;

    /**
     * A second pass runs while the kernel reports more than this dirty after the first: what the apps wrote during a
     * long first pass. Measured on a 2-vCPU host busy with other builds ({@code scripts/bench-backup --flush-passes}:
     * a 600 MB backlog, a writer going on at 60 MB/s, medians of 5 alternated rounds): one pass left 29 MB and the
     * snapshot then took 99 ms inside the downtime; a second left 6 MB and the snapshot took 37 ms. Under lighter
     * writes (40 MB/s) one pass left 12 to 33 MB and the snapshot took 44 ms either way.
     */
    static final long SECOND_PASS_DIRTY_BYTES = 16L << 20;

    /**
     * {@code sync -f} bounded by {@code bound}, with a second pass while more than {@link #SECOND_PASS_DIRTY_BYTES}
     * are still dirty.
     */
    public SyncfsFlush(Duration bound, InstantSource clock) {
        this(SYNC_FILESYSTEM, bound, clock, 2, SECOND_PASS_DIRTY_BYTES);
    }

    /**
     * @param command the program and its arguments; the data path is appended (tests pass a failing or hanging one)
     * @param bound the longest the flush of one filesystem may run, every pass included
     * @param maxPasses how many flushes may run per filesystem: a second one runs only while the kernel reports more
     *     than {@code secondPassDirtyBytes} dirty ({@code Dirty} in {@code /proc/meminfo}, the whole host's)
     */
    public SyncfsFlush(List<String> command, Duration bound, InstantSource clock, int maxPasses,
            long secondPassDirtyBytes) {
        if (bound.isNegative() || bound.isZero()) {
            throw new IllegalArgumentException("a flush's bound must be > 0, got " + bound);
        }
        this.command = List.copyOf(command);
        this.bound = bound;
        this.clock = clock;
        this.maxPasses = Math.max(1, maxPasses);
        this.secondPassDirtyBytes = secondPassDirtyBytes;
    }

    @Override
    public List<Flushed> flush(List<Path> dataPaths) {
        Map<String, Target> targets = new LinkedHashMap<>();
        for (Path p : dataPaths) {
            Target t = target(p);
            targets.putIfAbsent(t.device(), t);
        }
        List<CompletableFuture<Flushed>> running = new ArrayList<>();
        for (Target t : targets.values()) {
            running.add(CompletableFuture.supplyAsync(() -> flushOne(t), r -> Thread.ofVirtual().start(r)));
        }
        return running.stream().map(CompletableFuture::join).toList();
    }

    /** A filesystem to flush: its device (or the path, where the mount table does not say), and a path on it. */
    private record Target(String device, Path filesystem, Path path) {}

    private static Target target(Path dataPath) {
        return switch (MountTable.place(dataPath)) {
            case MountTable.Placed p -> new Target(p.mount().device(), p.mount().mountPoint(), p.data());
            case MountTable.Unplaceable u -> new Target(dataPath.toString(), dataPath, dataPath);
        };
    }

    private Flushed flushOne(Target t) {
        Instant startedAt = clock.instant();
        long started = System.nanoTime();
        long deadline = started + bound.toNanos();
        Optional<String> failure = pass(t.path(), bound);
        int passes = 1;
        while (failure.isEmpty() && passes < maxPasses && dirtyBytes() > secondPassDirtyBytes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            failure = pass(t.path(), Duration.ofNanos(left));
            passes++;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Flushed flushed = new Flushed(t.filesystem(), startedAt, took, passes, failure);
        if (failure.isEmpty()) {
            log.info(KeyValues.line("event", "data_flushed", "filesystem", t.filesystem(), "millis",
                    took.toMillis(), "passes", passes, "host_dirty_after_kb", dirtyBytes() / 1024));
        } else {
            log.warn(KeyValues.line("event", "data_flush_failed", "filesystem", t.filesystem(), "millis",
                    took.toMillis(), "passes", passes, "error", failure.get(),
                    "effect", "the snapshot writes back what is left, inside the downtime"));
        }
        return flushed;
    }

    /** One flush of the filesystem holding {@code path}; empty when it went well, else why not. */
    private Optional<String> pass(Path path, Duration timeout) {
        List<String> argv = new ArrayList<>(command);
        argv.add(path.toString());
        try {
            Commands.Result r = Commands.run(argv, timeout, Duration.ZERO);
            return r.ok() ? Optional.empty() : Optional.of(r.failure());
        } catch (SnapshotException e) {
            return Optional.of(e.getCause() instanceof IOException missing ? "cannot run `" + String.join(" ", argv)
                    + "` (" + missing.getMessage() + "): the flush needs sync -f, from GNU coreutils 8.24 or newer"
                    : e.getMessage());
        }
    }

    /** The bytes the kernel reports dirty now, host-wide; 0 when it cannot be read. */
    static long dirtyBytes() {
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith("Dirty:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug(KeyValues.line("event", "meminfo_unreadable", "error", e.toString()));
        }
        return 0;
    }
}
