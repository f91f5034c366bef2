package dev.lifeline.agent.snapshot;

import dev.lifeline.core.snapshot.Snapshot;
import dev.lifeline.core.snapshot.SnapshotException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;

/**
 * The records beside the snapshots of both file-based providers. Layout under a provider's base folder:
 * <pre>
 * base/&lt;jobId&gt;/&lt;name&gt;            the snapshot (subvolume or copy)
 * base/&lt;jobId&gt;/&lt;name&gt;.snapshot   its record: provider, source, location, job, time, handle
 * </pre>
 * The record is written (and synced) before the snapshot is made and removed after it is deleted, so after a crash
 * at any point every snapshot, whole or half made, has a record, and {@link #list} finds it.
 */
final class SnapshotRecords {
    static final String SUFFIX = ".snapshot";

    private SnapshotRecords() {}

    static Path recordOf(Path handle) {
        return handle.resolveSibling(handle.getFileName() + SUFFIX);
    }

    /** Writes the record of {@code s} (whose handle is a path) atomically and durably. */
    static void write(Snapshot s) {
        Path record = recordOf(Path.of(s.handle()));
        Properties p = new Properties();
        p.setProperty("provider", s.provider());
        p.setProperty("source", s.source().toString());
        p.setProperty("location", s.location().toString());
        p.setProperty("jobId", s.jobId());
        p.setProperty("takenAt", s.takenAt().toString());
        p.setProperty("handle", s.handle());
        Path tmp = record.resolveSibling(record.getFileName() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "Lifeline snapshot record: delete the snapshot with Lifeline, not by hand");
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(record.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException ignored) {
                // Some filesystems cannot sync a directory; the record is written, only its durability is weaker.
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot write the snapshot record " + record + " (" + e + "): check that "
                    + record.getParent() + " is writable and the disk is not full", e);
        }
    }

    static Snapshot read(Path record) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(record, StandardCharsets.ISO_8859_1)) {
            p.load(in);
            return new Snapshot(p.getProperty("provider"), Path.of(p.getProperty("source")),
                    Path.of(p.getProperty("location")), p.getProperty("jobId"),
                    Instant.parse(p.getProperty("takenAt")), p.getProperty("handle"));
        } catch (IOException | RuntimeException e) {
            throw new SnapshotException("snapshot record " + record + " is unreadable (" + e + "): delete the "
                    + "snapshot " + record.getFileName().toString().replace(SUFFIX, "") + " beside it by hand, then "
                    + "the record", e);
        }
    }

    /** Records under {@code base} of {@code provider} whose job id starts with {@code jobIdPrefix}, oldest first. */
    static List<Snapshot> list(Path base, String jobIdPrefix, String provider) {
        List<Snapshot> result = new ArrayList<>();
        if (!Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
            return result;
        }
        try (DirectoryStream<Path> jobs = Files.newDirectoryStream(base)) {
            for (Path job : jobs) {
                String jobId = job.getFileName().toString();
                if (!jobId.startsWith(jobIdPrefix) || !Files.isDirectory(job, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (DirectoryStream<Path> records = Files.newDirectoryStream(job, "*" + SUFFIX)) {
                    for (Path record : records) {
                        Snapshot s = read(record);
                        if (s.provider().equals(provider)) {
                            result.add(s);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot list snapshots in " + base + " (" + e + "): check its permissions", e);
        }
        result.sort(Comparator.comparing(Snapshot::takenAt).thenComparing(Snapshot::handle));
        return result;
    }

    /**
     * Removes what a reservation cut short by a crash left under {@code base}: a job folder (whose id starts with
     * {@code jobIdPrefix}) holding no record, only an unfinished record ({@code .tmp}) or nothing, is removed with
     * those; then, like {@link #forget}, the provider's own default folder when it is empty. A folder holding
     * anything else is left alone. The snapshot itself is made only after its record, so no snapshot is lost here.
     */
    static void sweepUnrecorded(Path base, String jobIdPrefix, String ownBase) {
        if (!Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            try (DirectoryStream<Path> jobs = Files.newDirectoryStream(base)) {
                for (Path job : jobs) {
                    if (!job.getFileName().toString().startsWith(jobIdPrefix)
                            || !Files.isDirectory(job, LinkOption.NOFOLLOW_LINKS)) {
                        continue;
                    }
                    List<Path> unfinished = new ArrayList<>();
                    boolean recorded = false;
                    try (DirectoryStream<Path> entries = Files.newDirectoryStream(job)) {
                        for (Path entry : entries) {
                            String name = entry.getFileName().toString();
                            recorded |= name.endsWith(SUFFIX);
                            if (name.endsWith(SUFFIX + ".tmp")) {
                                unfinished.add(entry);
                            }
                        }
                    }
                    if (!recorded) {
                        for (Path tmp : unfinished) {
                            Files.deleteIfExists(tmp);
                        }
                        removeIfEmptyFolder(job);
                    }
                }
            }
            if (ownBase != null && base.getFileName() != null && base.getFileName().toString().equals(ownBase)) {
                removeIfEmptyFolder(base);
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot clean up unfinished snapshots in " + base + " (" + e
                    + "): check its permissions", e);
        }
    }

    /**
     * Checks that {@code s}'s handle is one of ours before deleting it: {@code <base>/<jobId>/<name>} with a record
     * beside it (or nothing there at all, which makes delete a no-op).
     */
    static Path ownedHandle(Snapshot s, String provider) {
        if (!s.provider().equals(provider)) {
            throw new SnapshotException("snapshot " + s.handle() + " was taken by provider '" + s.provider()
                    + "', not '" + provider + "': delete it with that provider");
        }
        Path handle = Path.of(s.handle());
        if (!handle.isAbsolute() || handle.getParent() == null
                || !handle.getParent().getFileName().toString().equals(s.jobId())) {
            throw new SnapshotException("refusing to delete " + handle + ": it is not <snapshot folder>/" + s.jobId()
                    + "/<name>, so it is not a snapshot Lifeline made for job " + s.jobId());
        }
        if (Files.exists(handle, LinkOption.NOFOLLOW_LINKS) && !Files.exists(recordOf(handle))) {
            throw new SnapshotException("refusing to delete " + handle + ": there is no record " + recordOf(handle)
                    + " beside it, so Lifeline did not make it; delete it by hand if it is not needed");
        }
        return handle;
    }

    /**
     * Removes the record of a deleted snapshot and its job folder when that is now empty; when the provider's folder
     * is its default one ({@code ownBase} names it, null for a configured folder, which is the user's) also that
     * folder when it is empty. Nothing else is removed: not a symlink (never followed), not a mount point or
     * subvolume, not a folder with anything in it.
     */
    static void forget(Path handle, String ownBase) {
        Path record = recordOf(handle);
        try {
            Files.deleteIfExists(record);
            Files.deleteIfExists(record.resolveSibling(record.getFileName() + ".tmp"));
            Path job = handle.getParent();
            removeIfEmptyFolder(job);
            Path base = job.getParent();
            if (ownBase != null && base.getFileName() != null && base.getFileName().toString().equals(ownBase)) {
                removeIfEmptyFolder(base);
            }
        } catch (IOException e) {
            throw new SnapshotException("deleted " + handle + " but cannot remove its record " + record + " ("
                    + e + "): remove the record by hand", e);
        }
    }

    /** Removes {@code dir} if it is an empty plain folder (no symlink, not mounted or a subvolume of its own). */
    private static void removeIfEmptyFolder(Path dir) throws IOException {
        Path parent = dir.getParent();
        if (parent == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                || !Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS)
                        .equals(Files.getAttribute(parent, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
            return;
        }
        try {
            Files.delete(dir); // rmdir: refuses a folder that is not empty
        } catch (java.nio.file.NoSuchFileException | java.nio.file.DirectoryNotEmptyException e) {
            // Already gone, or another snapshot was recorded in it meanwhile: both fine.
        }
    }

    /** Where {@link #reserve} puts the snapshot of {@code data} for the job (nothing is checked or made). */
    static Path handleFor(Path folder, String jobId, Path data, Path named) {
        return folder.resolve(jobId).resolve(nameFor(data, named));
    }

    /**
     * Reserves the place of a new snapshot: {@code folder/jobId/name}, with the job folder created. Refuses when a
     * snapshot or a record is already there (an earlier attempt of the same job). {@code what} is "snapshot" or
     * "staging copy", for the messages.
     */
    static Path reserve(String what, Path folder, String jobId, Path data, Path named) {
        Path jobFolder = folder.resolve(jobId);
        Path handle = handleFor(folder, jobId, data, named);
        if (java.nio.file.Files.exists(handle, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                || java.nio.file.Files.exists(recordOf(handle), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new SnapshotException("a " + what + " of " + data + " for job " + jobId + " already exists at "
                    + handle + " (an earlier attempt?): delete it (it is among the leftovers) or use a new job id");
        }
        try {
            java.nio.file.Files.createDirectories(jobFolder);
        } catch (java.io.IOException e) {
            throw new SnapshotException("cannot create the " + what + " folder " + jobFolder + " (" + e
                    + "): check that " + folder + " is writable", e);
        }
        return handle;
    }

    /** A name for the snapshot of {@code source} that is stable per source and unique within a job. */
    static String nameFor(Path source, Path named) {
        String base = named.getFileName() == null ? "root" : named.getFileName().toString();
        base = base.replaceAll("[^A-Za-z0-9._-]", "_");
        if (base.startsWith(".")) {
            base = "_" + base.substring(1);
        }
        if (base.length() > 64) {
            base = base.substring(0, 64);
        }
        return base + "-" + String.format("%08x", source.toString().hashCode());
    }
}
