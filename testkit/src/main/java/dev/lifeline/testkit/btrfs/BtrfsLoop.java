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
