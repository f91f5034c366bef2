package dev.lifeline.testkit.btrfs;

import dev.lifeline.testkit.podman.ProcessResult;
import dev.lifeline.testkit.podman.Processes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real btrfs filesystem for tests: a sparse image file in a fresh temp dir, formatted with {@code mkfs.btrfs} and
 * loop-mounted at {@code <temp dir>/mnt}. {@link #close()} unmounts it (lazily when it is busy) and deletes the image.
 *
 * <p>Fails (never skips) when btrfs-progs is missing or mounting is not permitted: run {@code scripts/setup-host} as
 * root, and the tests as root.
 */
public final class BtrfsLoop implements AutoCloseable {
    /** Sparse: costs only what is written. mkfs.btrfs wants well over 100 MiB for the normal (non-mixed) layout. */
    public static final long DEFAULT_SIZE = 512L * 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final Path image;
    private final Path mountPoint;
    private boolean mounted;

    private BtrfsLoop(Path dir) {
        this.dir = dir;
        this.image = dir.resolve("btrfs.img");
        this.mountPoint = dir.resolve("mnt");
    }

    public static BtrfsLoop create() {
        return create(DEFAULT_SIZE);
    }

    /** Makes, formats and mounts a btrfs image of {@code sizeBytes} (sparse). */
    public static BtrfsLoop create(long sizeBytes) {
        requireBtrfsProgs();
        Path dir;
        try {
            dir = Files.createTempDirectory("lifeline-btrfs-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for the btrfs image: " + e.getMessage(), e);
        }
        BtrfsLoop loop = new BtrfsLoop(dir);
        try {
            loop.setUp(sizeBytes);
            return loop;
        } catch (RuntimeException e) {
            loop.close();
            throw e;
        }
    }

    /** Fails with instructions when mkfs.btrfs or btrfs is not installed. */
    public static void requireBtrfsProgs() {
        List<String> missing = new ArrayList<>();
        for (String program : List.of("mkfs.btrfs", "btrfs")) {
            if (!Processes.onPath(program)) {
                missing.add(program);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(String.join(" and ", missing) + " not found on PATH: run scripts/setup-host"
                    + " as root to install btrfs-progs (and make sure /usr/sbin is on PATH)");
        }
    }

    private void setUp(long sizeBytes) {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(sizeBytes);
            Files.createDirectories(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the sparse image " + image + ": " + e.getMessage(), e);
        }
        run(List.of("mkfs.btrfs", "-q", image.toString())).stdoutOrThrow();
        ProcessResult mount = run(List.of("mount", "-o", "loop", image.toString(), mountPoint.toString()));
        if (!mount.ok()) {
            throw new IllegalStateException("cannot loop-mount the btrfs image " + image + " at " + mountPoint
                    + " (exit " + mount.exitCode() + ": " + mount.stderr().strip() + "): the btrfs tests need root and "
                    + "loop devices; run scripts/setup-host as root and run the tests as root");
        }
        mounted = true;
    }

    /** Where the filesystem's top-level subvolume is mounted. */
    public Path mountPoint() {
        return mountPoint;
    }

    public Path image() {
        return image;
    }

    /**
     * The bytes written to the loop device so far (from {@code /sys/block/loopN/stat}): what the filesystem has
     * written back, as opposed to what still sits dirty in the page cache.
     */
    public long bytesWrittenToDevice() {
        String device = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                if (f[4].equals(mountPoint.toString()) && dash > 0 && f.length > dash + 2) {
                    device = f[dash + 2];
                }
            }
            if (device == null || !device.startsWith("/dev/")) {
                throw new IllegalStateException("no loop device is mounted at " + mountPoint);
            }
            String[] stat = Files.readString(Path.of("/sys/block", device.substring(5), "stat")).trim().split("\\s+");
            return Long.parseLong(stat[6]) * 512; // field 7: sectors written, in units of 512 bytes
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the write count of " + device + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code megabytes} of random data to {@code file} without syncing it: the data stays dirty in the page
     * cache until the kernel writes it back (up to {@code vm.dirty_expire_centisecs} later) or something flushes it.
     */
    public static void writeUnsynced(Path file, int megabytes) {
        byte[] block = new byte[1 << 20];
        java.util.Random random = new java.util.Random(7);
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < megabytes; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Creates subvolume {@code name} (may contain {@code /} below an existing folder) and returns its path. */
    public Path subvolume(String name) {
        Path path = mountPoint.resolve(name).normalize();
        if (!path.startsWith(mountPoint) || path.equals(mountPoint)) {
            throw new IllegalArgumentException("subvolume name '" + name + "' must stay inside " + mountPoint);
        }
        run(List.of("btrfs", "subvolume", "create", path.toString())).stdoutOrThrow();
        return path;
    }

    /** Unmounts (lazily if busy) and deletes the image and temp dir. Safe to call twice. */
    @Override
    public void close() {
        if (mounted) {
            ProcessResult umount = run(List.of("umount", mountPoint.toString()));
            if (!umount.ok()) {
                run(List.of("umount", "-l", mountPoint.toString())).stdoutOrThrow();
            }
            mounted = false;
        }
        try {
            Files.deleteIfExists(image);
            Files.deleteIfExists(mountPoint);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the btrfs test image in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static ProcessResult run(List<String> command) {
        return Processes.run(command, Map.of(), null, TIMEOUT);
    }
}
