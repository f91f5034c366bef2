package dev.lifeline.agent.snapshot;

import dev.lifeline.core.snapshot.ByteSizes;
import dev.lifeline.core.snapshot.Snapshot;
import dev.lifeline.core.snapshot.SnapshotException;
import dev.lifeline.core.snapshot.SnapshotProvider;
import dev.lifeline.core.snapshot.Support;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SnapshotProvider} for filesystems without snapshots: a copy, {@code cp --reflink=auto -a}, into a staging
 * folder on the same filesystem as the data, by default {@code <mount point>/.lifeline-staging/<jobId>/<name>} (a
 * single file: {@code <name>/<file name>}). Once its last copy is deleted, the default folder goes too. On
 * btrfs and XFS the copy shares blocks with the data (reflinks) and costs little; elsewhere it is a full copy, so it
 * is only made within a disk budget: the data is measured first (apparent size of its regular files) and refused
 * when larger than the budget or the free space. Unlike a snapshot it is not atomic: the containers must stay stopped
 * while it is made.
 *
 * <p>Read-only: after copying, the copy is made immutable ({@code chattr +i} on every file and folder), which holds
 * against root too and keeps every file mode as it was. Where the filesystem has no immutable flag it falls back
 * to {@code chmod -R a-w}, which drops write bits (modes then differ) and does not stop root; the log says which was
 * used.
 */
public final class StagingCopyProvider implements SnapshotProvider {
    private static final Logger log = LoggerFactory.getLogger(StagingCopyProvider.class);
    public static final String NAME = "staging-copy";
    public static final String DEFAULT_FOLDER = ".lifeline-staging";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
    private static final Set<String> REFLINK_FILESYSTEMS = Set.of("btrfs", "xfs", "bcachefs", "ocfs2");

    private final long budgetBytes;
    private final Path stagingFolder;
    private final Duration timeout;

    /** Staging in {@code <mount point>/.lifeline-staging}, copies limited to {@code budgetBytes}. */
    public StagingCopyProvider(long budgetBytes) {
        this(budgetBytes, null, DEFAULT_TIMEOUT);
    }

    /**
     * @param budgetBytes largest data (apparent size) this provider copies
     * @param stagingFolder where copies go, on the same filesystem as the data; {@code null} for
     *     {@code <mount point of the data>/.lifeline-staging}
     * @param commandTimeout longest wait for one copy
     */
    public StagingCopyProvider(long budgetBytes, Path stagingFolder, Duration commandTimeout) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("staging budget must not be negative: " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
        this.stagingFolder = stagingFolder == null ? null : stagingFolder.toAbsolutePath().normalize();
        this.timeout = commandTimeout;
    }

    @Override
    public String name() {
        return NAME;
    }

    private record Plan(Path data, MountTable.Mount mount, Path folder, long bytes) {}

    private record Planned(Plan plan, String reason) {}

    @Override
    public Support supports(Path dataPath) {
        Planned p = plan(dataPath);
        if (p.plan() == null) {
            return Support.unsupported(p.reason());
        }
        Plan plan = p.plan();
        return Support.supported("copy " + ByteSizes.format(plan.bytes()) + " of " + plan.data() + " into "
                + plan.folder() + " (" + plan.mount().fsType()
                + (REFLINK_FILESYSTEMS.contains(plan.mount().fsType()) ? ", reflinks possible)" : ", full copy)"));
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
        Path folder = folderFor(mount);
        Optional<MountTable.Mount> folderMount = mounts.findExisting(folder);
        if (folderMount.isEmpty() || !folderMount.get().device().equals(mount.device())) {
            return new Planned(null, "staging folder " + folder + " is not on the filesystem of " + data + " ("
                    + mount.fsType() + ", mounted at " + mount.mountPoint() + "): configure a staging folder there");
        }
        if (folder.startsWith(data)) {
            return new Planned(null, "staging folder " + folder + " is inside the data " + data + ", so the copy "
                    + "would copy itself: configure a staging folder outside it on the same filesystem");
        }
        long bytes;
        try {
            bytes = measure(data);
        } catch (IOException e) {
            return new Planned(null, "cannot measure " + data + " (" + e + "): check its permissions");
        }
        if (bytes > budgetBytes) {
            return new Planned(null, data + " needs " + ByteSizes.format(bytes) + ", budget is "
                    + ByteSizes.format(budgetBytes) + ": raise the staging budget or use a filesystem with "
                    + "snapshots");
        }
        long free = freeSpace(folder);
        if (bytes > free) {
            return new Planned(null, data + " needs " + ByteSizes.format(bytes) + ", only " + ByteSizes.format(free)
                    + " is free on " + mount.mountPoint() + ": free some space");
        }
        return new Planned(new Plan(data, mount, folder, bytes), null);
    }

    private Path folderFor(MountTable.Mount mount) {
        return stagingFolder != null ? stagingFolder : mount.mountPoint().resolve(DEFAULT_FOLDER);
    }

    /** Apparent size of the regular files under {@code root} (symlinks not followed). */
    static long measure(Path root) throws IOException {
        long[] total = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    private static long freeSpace(Path folder) {
        Path p = folder;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            return p == null ? 0 : Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One copy at a time: each measures the free space the copies before it left.
     */
    @Override
    public synchronized Snapshot take(Path dataPath, String jobId, Instant now) {
        Snapshot.requireJobId(jobId);
        Planned p = plan(dataPath);
        if (p.plan() == null) {
            throw new SnapshotException("cannot make a staging copy: " + p.reason());
        }
        Plan plan = p.plan();
        Path handle = SnapshotRecords.reserve("staging copy", plan.folder(), jobId, plan.data(), plan.data());
        // A single file is copied into the handle folder under its own name, so its copy keeps the name.
        boolean file = Files.isRegularFile(plan.data(), LinkOption.NOFOLLOW_LINKS);
        Path location = file ? handle.resolve(plan.data().getFileName()) : handle;
        Snapshot snapshot = new Snapshot(NAME, plan.data(), location, jobId, now, handle.toString());
        SnapshotRecords.write(snapshot);
        if (file) {
            try {
                Files.createDirectory(handle);
            } catch (IOException e) {
                throw new SnapshotException("cannot create the staging folder " + handle + " (" + e + "): check "
                        + "that " + handle.getParent() + " is writable (the record stays; delete the snapshot)", e);
            }
        }
        long started = System.nanoTime();
        Commands.Result copy = Commands.run(List.of("cp", "--reflink=auto", "-a", "--",
                plan.data().toString(), location.toString()), timeout);
        long copyMillis = (System.nanoTime() - started) / 1_000_000;
        if (!copy.ok()) {
            throw new SnapshotException("cannot copy " + plan.data() + " to " + location + ": " + copy.failure()
                    + " (the partial copy stays; delete the snapshot to clean up)");
        }
        String readOnly = makeReadOnly(handle);
        log.info("event=snapshot_taken provider={} source={} location={} job={} bytes={} fs={} reflinkCapable={} "
                        + "readOnly={} millis={}", NAME, plan.data(), location, jobId, plan.bytes(),
                plan.mount().fsType(), REFLINK_FILESYSTEMS.contains(plan.mount().fsType()), readOnly, copyMillis);
        return snapshot;
    }

    /** Makes the copy immutable, or at least unwritable; returns how ({@code immutable} or {@code chmod}). */
    private String makeReadOnly(Path handle) {
        Optional<Commands.Result> immutable = setImmutable(handle, true);
        if (immutable.isEmpty()) {
            return "immutable";
        }
        setImmutable(handle, false);
        Commands.Result chmod = Commands.run(List.of("chmod", "-R", "a-w", "--", handle.toString()), timeout);
        if (!chmod.ok()) {
            throw new SnapshotException("cannot make the staging copy " + handle + " read-only: "
                    + immutable.get().failure() + "; then " + chmod.failure()
                    + " (the copy stays; delete the snapshot to clean up)");
        }
        log.warn("event=staging_readonly_fallback location={} reason={}", handle, immutable.get().failure());
        return "chmod";
    }

    /**
     * Sets or clears the immutable flag on every regular file and folder under {@code root}, in batches of
     * arguments. Not {@code chattr -R}: it fails on symlinks, which carry no flags (the immutable folder holding a
     * symlink protects it). Returns the first failure, if any; clearing goes on past failures.
     */
    private Optional<Commands.Result> setImmutable(Path root, boolean on) {
        List<String> paths = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                            || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .forEach(p -> paths.add(p.toString()));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new SnapshotException("cannot list the staging copy " + root + " (" + e + "): check its "
                    + "permissions", e);
        }
        Optional<Commands.Result> failure = Optional.empty();
        for (int from = 0; from < paths.size(); from += 500) {
            List<String> command = new java.util.ArrayList<>(List.of("chattr", on ? "+i" : "-i", "--"));
            command.addAll(paths.subList(from, Math.min(paths.size(), from + 500)));
            Commands.Result r = Commands.run(command, timeout);
            if (!r.ok() && failure.isEmpty()) {
                failure = Optional.of(r);
                if (on) {
                    break;
                }
            }
        }
        return failure;
    }

    @Override
    public void delete(Snapshot snapshot) {
        Path handle = SnapshotRecords.ownedHandle(snapshot, NAME);
        boolean existed = Files.exists(handle, LinkOption.NOFOLLOW_LINKS);
        if (existed) {
            // Undo the read-only marking as far as it went (a half-made copy may have none); failures show below.
            setImmutable(handle, false);
            Commands.run(List.of("chmod", "-R", "u+w", "--", handle.toString()), timeout);
            try {
                deleteTree(handle);
            } catch (IOException e) {
                throw new SnapshotException("cannot delete staging copy " + handle + " (" + e + "): check "
                        + "`lsattr -R " + handle + "` for immutable files and the permissions of its folders", e);
            }
        }
        SnapshotRecords.forget(handle, stagingFolder == null ? DEFAULT_FOLDER : null);
        log.info("event=snapshot_deleted provider={} location={} job={} existed={}", NAME, handle,
                snapshot.jobId(), existed);
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public List<Snapshot> leftovers(Path dataPath, String jobIdPrefix) {
        Optional<MountTable.Mount> mount = MountTable.mountOf(dataPath, "staging leftovers");
        if (mount.isEmpty()) {
            return List.of();
        }
        Path folder = folderFor(mount.get());
        SnapshotRecords.sweepUnrecorded(folder, jobIdPrefix, stagingFolder == null ? DEFAULT_FOLDER : null);
        return SnapshotRecords.list(folder, jobIdPrefix, NAME);
    }
}
