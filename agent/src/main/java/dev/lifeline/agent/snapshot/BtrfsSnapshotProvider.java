package dev.lifeline.agent.snapshot;

import dev.lifeline.core.snapshot.Snapshot;
import dev.lifeline.core.snapshot.SnapshotException;
import dev.lifeline.core.snapshot.SnapshotProvider;
import dev.lifeline.core.snapshot.Support;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SnapshotProvider} with btrfs read-only subvolume snapshots ({@code btrfs subvolume snapshot -r}): atomic,
 * taking milliseconds whatever the size of the data, sharing all blocks with the source.
 *
 * <p>Which subvolume: btrfs snapshots whole subvolumes. When the data path is a subvolume, that is snapshotted and
 * {@link Snapshot#location()} is the snapshot. When the data path is a folder <em>inside</em> a subvolume, the
 * containing subvolume is snapshotted (cheap: nothing is copied) and the location points at the data path's place
 * inside the snapshot, so the snapshot holds more than the data but the location holds exactly the data; a single
 * file is handled the same way (the location is the file inside the snapshot of its subvolume). When the
 * nearest subvolume is the filesystem's top-level one (id 5), the path is unsupported: snapshotting the top level
 * takes the whole filesystem, which is rarely meant; make the data a subvolume instead. Subvolumes nested inside the
 * data are not part of a snapshot (btrfs shows them as empty folders there).
 *
 * <p>Where: in a folder on the same btrfs filesystem, by default {@code <mount point>/.lifeline-snapshots}, laid out
 * as {@code <folder>/<jobId>/<name>} with a record {@code <name>.snapshot} beside each snapshot (see
 * {@link SnapshotRecords}). The folder must not lie inside the data path, or the snapshots would show up in it. Once
 * its last snapshot is deleted, the default folder goes too (a configured one stays).
 *
 * <p>Needs root (or {@code user_subvol_rm_allowed} for delete) and btrfs-progs.
 */
public final class BtrfsSnapshotProvider implements SnapshotProvider {
    private static final Logger log = LoggerFactory.getLogger(BtrfsSnapshotProvider.class);
    public static final String NAME = "btrfs";
    public static final String DEFAULT_FOLDER = ".lifeline-snapshots";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    /** The inode number of the root folder of every btrfs subvolume. */
    private static final long SUBVOLUME_ROOT_INODE = 256;
    private static final long TOP_LEVEL_SUBVOLUME_ID = 5;

    private final Path snapshotFolder;
    private final Duration timeout;
    /** The handles of snapshots {@link #ready} recorded and {@link #take} has not taken yet. */
    private final java.util.Set<Path> readied = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Snapshots in {@code <mount point>/.lifeline-snapshots}, commands limited to {@link #DEFAULT_TIMEOUT}. */
    public BtrfsSnapshotProvider() {
        this(null, DEFAULT_TIMEOUT);
    }

    /**
     * @param snapshotFolder where snapshots go, on the same btrfs filesystem as the data; {@code null} for
     *     {@code <mount point of the data>/.lifeline-snapshots}
     * @param commandTimeout longest wait for one {@code btrfs} command
     */
    public BtrfsSnapshotProvider(Path snapshotFolder, Duration commandTimeout) {
        this.snapshotFolder = snapshotFolder == null ? null : snapshotFolder.toAbsolutePath().normalize();
        this.timeout = commandTimeout;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** How a data path would be snapshotted. */
    private record Plan(Path data, Path subvolume, Path inside, Path folder) {}

    /** A plan, or the reason there is none. */
    private record Planned(Plan plan, String reason) {}

    @Override
    public Support supports(Path dataPath) {
        Planned p = plan(dataPath);
        if (p.plan() == null) {
            return Support.unsupported(p.reason());
        }
        Plan plan = p.plan();
        return Support.supported("snapshot subvolume " + plan.subvolume()
                + (plan.inside().toString().isEmpty() ? "" : " (data at " + plan.inside() + " inside it)")
                + " into " + plan.folder());
    }

    private Planned plan(Path dataPath) {
        MountTable.Placed placed;
        switch (MountTable.place(dataPath)) {
            case MountTable.Unplaceable u -> {
                return new Planned(null, u.reason());
            }
            case MountTable.Placed p -> placed = p;
        }
        Path data = placed.data();
        MountTable mounts = placed.table();
        MountTable.Mount mount = placed.mount();
        if (!mount.fsType().equals("btrfs")) {
            return new Planned(null, data + " is on " + mount.fsType() + " (mounted at " + mount.mountPoint()
                    + "), not btrfs");
        }
        Path subvolume;
        try {
            subvolume = containingSubvolume(data, mount.mountPoint());
        } catch (IOException e) {
            return new Planned(null, "cannot find the subvolume of " + data + ": " + e);
        }
        // Only the mount's own root can be the top-level subvolume (every subvolume below it is a nested one, with an
        // id from 256), and the mount table names the subvolume mounted there: no btrfs process needed, which
        // matters because take() plans again inside the downtime.
        boolean topLevel = subvolume.equals(mount.mountPoint())
                && mount.btrfsSubvolumeId().orElseGet(() -> subvolumeId(subvolume)) == TOP_LEVEL_SUBVOLUME_ID;
        if (topLevel) {
            return new Planned(null, data + " is on btrfs but in the top-level subvolume of " + mount.mountPoint()
                    + ", not in a subvolume of its own, and a snapshot would take the whole filesystem: make the data "
                    + "a subvolume (btrfs subvolume create a new one, move the data in, rename it into place)");
        }
        Path folder = folderFor(mount);
        Optional<MountTable.Mount> folderMount = mounts.findExisting(folder);
        if (folderMount.isEmpty() || !folderMount.get().device().equals(mount.device())
                || !folderMount.get().fsType().equals("btrfs")) {
            return new Planned(null, "snapshot folder " + folder + " is not on the btrfs filesystem of " + data
                    + " (" + mount.source() + ", mounted at " + mount.mountPoint() + "): configure a snapshot folder "
                    + "on that filesystem");
        }
        if (folder.startsWith(data)) {
            return new Planned(null, "snapshot folder " + folder + " is inside the data " + data + ", so snapshots "
                    + "would show up in the data: configure a snapshot folder outside it on the same filesystem");
        }
        return new Planned(new Plan(data, subvolume, subvolume.relativize(data), folder), null);
    }

    private Path folderFor(MountTable.Mount mount) {
        return snapshotFolder != null ? snapshotFolder : mount.mountPoint().resolve(DEFAULT_FOLDER);
    }

    /** The nearest folder at or above {@code path} (not above the mount point) that is a subvolume's root. */
    private static Path containingSubvolume(Path path, Path mountPoint) throws IOException {
        Path p = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? path : path.getParent();
        while (p != null && p.startsWith(mountPoint)) {
            if (isSubvolumeRoot(p)) {
                return p;
            }
            p = p.getParent();
        }
        // The mount point of a btrfs mount is always a subvolume's root; reaching here means the table was stale.
        throw new IOException("no subvolume root between " + path + " and its mount point " + mountPoint);
    }

    private static boolean isSubvolumeRoot(Path p) throws IOException {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                && ((Number) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue()
                        == SUBVOLUME_ROOT_INODE;
    }

    private long subvolumeId(Path subvolume) {
        Commands.Result r = Commands.run(List.of("btrfs", "inspect-internal", "rootid", subvolume.toString()), timeout);
        if (!r.ok()) {
            throw new SnapshotException("cannot tell which subvolume " + subvolume + " is: " + r.failure());
        }
        try {
            return Long.parseLong(r.stdout().strip());
        } catch (NumberFormatException e) {
            throw new SnapshotException("unexpected answer from `btrfs inspect-internal rootid " + subvolume + "`: "
                    + r.stdout().strip(), e);
        }
    }

    @Override
    public Snapshot take(Path dataPath, String jobId, Instant now) {
        Snapshot.requireJobId(jobId);
        Plan plan = planOrThrow(dataPath, "take");
        Path handle = SnapshotRecords.handleFor(plan.folder(), jobId, plan.data(), plan.subvolume());
        Snapshot snapshot = new Snapshot(NAME, plan.data(), handle.resolve(plan.inside()), jobId, now,
                handle.toString());
        // readied before the downtime: its record is on disk (and still there), the snapshot not yet
        boolean recorded = readied.remove(handle)
                && Files.exists(SnapshotRecords.recordOf(handle), LinkOption.NOFOLLOW_LINKS)
                && !Files.exists(handle, LinkOption.NOFOLLOW_LINKS);
        if (!recorded) {
            SnapshotRecords.reserve("snapshot", plan.folder(), jobId, plan.data(), plan.subvolume());
            SnapshotRecords.write(snapshot);
        }
        long started = System.nanoTime();
        Commands.Result r = Commands.run(List.of("btrfs", "subvolume", "snapshot", "-r",
                plan.subvolume().toString(), handle.toString()), timeout);
        long micros = (System.nanoTime() - started) / 1_000;
        if (!r.ok()) {
            throw new SnapshotException("cannot snapshot subvolume " + plan.subvolume() + " of " + plan.data()
                    + " into " + handle + ": " + r.failure() + " (the record stays; delete the snapshot to clean up)");
        }
        log.info("event=snapshot_taken provider={} source={} subvolume={} location={} job={} micros={}", NAME,
                plan.data(), plan.subvolume(), snapshot.location(), jobId, micros);
        return snapshot;
    }

    /**
     * Writes the snapshot's record (reserving its place) ahead of the take, so that the take itself only runs the
     * snapshot command. The record's time is when it was written.
     */
    @Override
    public void ready(Path dataPath, String jobId, Instant now) {
        Snapshot.requireJobId(jobId);
        Plan plan = planOrThrow(dataPath, "ready");
        Path handle = SnapshotRecords.reserve("snapshot", plan.folder(), jobId, plan.data(), plan.subvolume());
        SnapshotRecords.write(new Snapshot(NAME, plan.data(), handle.resolve(plan.inside()), jobId, now,
                handle.toString()));
        readied.add(handle);
        log.debug("event=snapshot_readied provider={} source={} handle={} job={}", NAME, plan.data(), handle, jobId);
    }

    private Plan planOrThrow(Path dataPath, String step) {
        Planned p = plan(dataPath);
        if (p.plan() == null) {
            throw new SnapshotException("cannot " + step + " a btrfs snapshot: " + p.reason());
        }
        return p.plan();
    }

    @Override
    public void delete(Snapshot snapshot) {
        Path handle = SnapshotRecords.ownedHandle(snapshot, NAME);
        boolean existed = Files.exists(handle, LinkOption.NOFOLLOW_LINKS);
        if (existed) {
            boolean subvolume;
            try {
                subvolume = isSubvolumeRoot(handle);
            } catch (IOException e) {
                throw new SnapshotException("cannot inspect snapshot " + handle + " to delete it: " + e, e);
            }
            if (!subvolume) {
                throw new SnapshotException("refusing to delete " + handle + ": it is not a btrfs subvolume, so not a "
                        + "snapshot Lifeline made; delete it by hand if it is not needed");
            }
            Commands.Result r = Commands.run(List.of("btrfs", "subvolume", "delete", handle.toString()), timeout);
            if (!r.ok() && Files.exists(handle, LinkOption.NOFOLLOW_LINKS)) {
                throw new SnapshotException("cannot delete snapshot " + handle + ": " + r.failure()
                        + " (deleting subvolumes needs root, or the user_subvol_rm_allowed mount option)");
            }
        }
        readied.remove(handle);
        SnapshotRecords.forget(handle, snapshotFolder == null ? DEFAULT_FOLDER : null);
        log.info("event=snapshot_deleted provider={} location={} job={} existed={}", NAME, handle,
                snapshot.jobId(), existed);
    }

    @Override
    public List<Snapshot> leftovers(Path dataPath, String jobIdPrefix) {
        Optional<MountTable.Mount> mount = MountTable.mountOf(dataPath, "snapshot leftovers");
        if (mount.isEmpty() || !mount.get().fsType().equals("btrfs")) {
            return List.of();
        }
        Path folder = folderFor(mount.get());
        SnapshotRecords.sweepUnrecorded(folder, jobIdPrefix, snapshotFolder == null ? DEFAULT_FOLDER : null);
        return SnapshotRecords.list(folder, jobIdPrefix, NAME);
    }
}
