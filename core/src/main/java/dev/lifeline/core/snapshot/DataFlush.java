package dev.lifeline.core.snapshot;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Port: writes back the dirty data of the filesystems holding a job's data paths, right before the job's marker while
 * the apps still serve.
 *
 * <p>Why: a snapshot (and a reflink copy, and an app's own clean shutdown) waits until what is dirty in the page cache
 * is on the disk. A busy host always holds up to {@code vm.dirty_expire_centisecs} of unwritten data; flushed inside
 * the downtime, that costs the apps seconds (600 MB just written: about 1.8 s on this project's machines, against
 * 20 ms once flushed). Flushed before the stop, only what the apps write in the last moments is left for the window.
 *
 * <p>A flush only shortens the downtime that follows; the snapshot writes whatever is left. So a flush never fails a
 * job: a slow or failing one is bounded, and its outcome (time, passes, failure) goes into the job's record.
 */
public interface DataFlush {

    /** No flush (a job then leaves every dirty byte to the snapshot, inside the downtime). */
    DataFlush NONE = paths -> List.of();

    /**
     * Flushes each filesystem that holds one of {@code dataPaths} (once, whatever the number of paths on it), the
     * filesystems at once. Never throws for a flush that fails or takes too long: its {@link Flushed} says so.
     *
     * @return one outcome per filesystem, in the order of the first data path on each
     */
    List<Flushed> flush(List<Path> dataPaths);

    /**
     * How one filesystem's flush went.
     *
     * @param filesystem the filesystem's mount point (or the data path, where the mount table did not say)
     * @param startedAt when the flush began
     * @param took how long it ran (until it ended or was given up)
     * @param passes how many flushes ran (a second one writes back what the apps wrote during the first)
     * @param failure why it failed or was given up, if it did
     */
    record Flushed(Path filesystem, Instant startedAt, Duration took, int passes, Optional<String> failure) {
        public Flushed {
            Objects.requireNonNull(filesystem, "filesystem");
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(took, "took");
            Objects.requireNonNull(failure, "failure");
        }
    }
}
