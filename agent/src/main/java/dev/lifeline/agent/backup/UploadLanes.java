package dev.lifeline.agent.backup;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The order a job uploads its data paths in: two lanes, each one restic process at a time. Every restic run costs
 * about a second before it reads a byte (opening the repository derives its key with scrypt, on purpose slow, then
 * reads the index), which for a small folder (a config dir, a socket folder) is nearly all of its run; in the
 * stop-mode fallback that second is downtime. The small paths therefore go on a side lane beside the large ones,
 * whose runs are long enough to hide them; the large ones stay one after the other, so that two of them never
 * compete for the disk.
 *
 * @param main the large paths, in the job's order (or, when every path is small, every other one)
 * @param side the small paths (or, when every path is small, the rest)
 */
record UploadLanes(List<DataPath> main, List<DataPath> side) {
    /** A folder with at most this many entries and bytes is small. */
    static final int SMALL_ENTRIES = 1_000;
    static final long SMALL_BYTES = 64L << 20;

    UploadLanes {
        main = List.copyOf(main);
        side = List.copyOf(side);
    }

    /** Splits {@code paths} (in the job's order) by {@code small}. */
    static UploadLanes of(List<DataPath> paths, Predicate<DataPath> small) {
        List<DataPath> large = paths.stream().filter(small.negate()).toList();
        List<DataPath> little = paths.stream().filter(small).toList();
        if (!large.isEmpty()) {
            return new UploadLanes(large, little);
        }
        List<DataPath> main = new ArrayList<>();
        List<DataPath> side = new ArrayList<>();
        for (int i = 0; i < little.size(); i++) {
            (i % 2 == 0 ? main : side).add(little.get(i));
        }
        return new UploadLanes(main, side);
    }

    /**
     * Whether the file or folder at {@code root} holds at most {@link #SMALL_ENTRIES} entries and
     * {@link #SMALL_BYTES}: a walk that stops as soon as either is passed, so a large tree costs a thousand entries'
     * reads, not a full scan. Anything it cannot read counts as large (it then runs where it always did).
     */
    static boolean isSmall(Path root) {
        long[] seen = new long[2]; // entries, bytes
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return count(attrs);
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    return count(attrs);
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    seen[0] = Long.MAX_VALUE;
                    return FileVisitResult.TERMINATE;
                }

                private FileVisitResult count(BasicFileAttributes attrs) {
                    seen[0]++;
                    seen[1] += attrs.isRegularFile() ? attrs.size() : 0;
                    return seen[0] > SMALL_ENTRIES || seen[1] > SMALL_BYTES ? FileVisitResult.TERMINATE
                            : FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | SecurityException e) {
            return false;
        }
        return seen[0] <= SMALL_ENTRIES && seen[1] <= SMALL_BYTES;
    }
}
