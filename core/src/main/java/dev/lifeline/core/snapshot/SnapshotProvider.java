package dev.lifeline.core.snapshot;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Port to a way of taking read-only, point-in-time views of container data, so a backup can read a consistent tree
 * while the containers run again (they need only be stopped for the instant the snapshot takes).
 *
 * <p>Crash safety: a provider records each snapshot <em>before</em> it creates it, in a place derived from the data
 * path's filesystem and the job id, so a job that dies at any point leaves something {@link #leftovers} finds and
 * {@link #delete} removes, including a snapshot that was never fully created.
 *
 * <p>Implementations so far: btrfs subvolume snapshots, and a staging copy ({@code cp --reflink=auto}) for
 * filesystems without snapshots. Later providers fit the same shape:
 * <ul>
 *   <li><b>LVM thin</b>: {@link #supports} finds the mount's device in {@code /proc/self/mountinfo} and asks
 *       {@code lvs} whether it is a thin volume with room in its pool; {@link #take} runs {@code lvcreate -s} with a
 *       tag holding the job id (the record), activates the snapshot and mounts it read-only ({@code -o ro,nouuid}
 *       for XFS) under a Lifeline folder, so {@link Snapshot#location()} is the data path's place in that mount and
 *       {@link Snapshot#handle()} is {@code vg/lv}; {@link #delete} unmounts and runs {@code lvremove -y};
 *       {@link #leftovers} lists volumes by tag with {@code lvs}. The filesystem should be frozen for the instant
 *       of the snapshot ({@code fsfreeze}), which LVM does itself for mounted filesystems.</li>
 *   <li><b>ZFS</b>: {@link #supports} maps the path to its dataset ({@code zfs list -H -o name,mountpoint});
 *       {@link #take} runs {@code zfs snapshot pool/ds@lifeline-<jobId>}, so the handle is that name and the
 *       location is {@code <mountpoint>/.zfs/snapshot/lifeline-<jobId>/<path inside the dataset>} (read-only by
 *       nature); {@link #delete} runs {@code zfs destroy}; {@link #leftovers} lists snapshots whose name starts with
 *       {@code lifeline-<prefix>} ({@code zfs list -t snapshot}).</li>
 * </ul>
 * Choosing among providers is {@link SnapshotProviders}'s job: order them from cheapest to most expensive.
 */
public interface SnapshotProvider {

    /** Short stable name ({@code btrfs}, {@code staging-copy}); recorded in {@link Snapshot#provider()}. */
    String name();

    /**
     * Whether this provider can snapshot {@code dataPath} now. Does not change anything; should be cheap enough to
     * call before every job (a staging copy has to measure the data, which is a tree walk).
     */
    Support supports(Path dataPath);

    /**
     * Takes a read-only point-in-time view of {@code dataPath}: afterwards {@link Snapshot#location()} holds the
     * file tree {@code dataPath} held (contents, modes, ownership, symlinks), and it does not change when the data
     * does.
     *
     * @param jobId names the job; see {@link Snapshot#requireJobId}. One job may snapshot several data paths.
     * @param now the time to record as {@link Snapshot#takenAt()}
     * @throws SnapshotException when the path is not supported (with the reason) or the snapshot fails; whatever
     *     was made by then is left for {@link #delete} or {@link #leftovers}
     */
    Snapshot take(Path dataPath, String jobId, Instant now);

    /**
     * Readies a later {@link #take} of {@code dataPath} for the job, before the job's downtime: whatever does not
     * depend on the data at the instant of the snapshot (say, writing and syncing the snapshot's record), so that the
     * take itself does less while the containers are stopped. A take without it works all the same; a snapshot
     * readied but never taken is a leftover like a half-made one ({@link #leftovers}, {@link #delete}). The default
     * does nothing.
     *
     * @throws SnapshotException when the path is not supported or the preparation fails (the take will say so too)
     */
    default void ready(Path dataPath, String jobId, Instant now) {
    }

    /**
     * Deletes a snapshot this provider took. Idempotent: deleting a deleted snapshot does nothing, and a snapshot
     * that was only half made (a crash or failure during {@link #take}) is removed as far as it exists.
     *
     * @throws SnapshotException when it cannot be deleted, or the handle does not look like one this provider made
     *     (it refuses rather than deleting something that is not its own)
     */
    void delete(Snapshot snapshot);

    /**
     * Snapshots this provider keeps on the filesystem of {@code dataPath} (for any data path there) whose job id
     * starts with {@code jobIdPrefix} (empty for all): what crashed or unfinished jobs left behind, to pass to
     * {@link #delete}. Half-made ones are included; what a crash left before a snapshot's record existed (an empty
     * job folder, an unfinished record) is removed here, as there is no snapshot to hand out for it. A filesystem
     * the provider does not support has none.
     */
    List<Snapshot> leftovers(Path dataPath, String jobIdPrefix);
}
