package dev.lifeline.agent.snapshot;

import dev.lifeline.core.snapshot.SnapshotException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mounts of this process's mount namespace, from {@code /proc/self/mountinfo}. Used instead of
 * {@code stat -f}, which cannot tell ext4 from ext2 ({@code ext2/ext3}) and says nothing of the mount point.
 */
final class MountTable {
    static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /**
     * One mount.
     *
     * @param device {@code major:minor} of the filesystem; equal for every mount of the same filesystem
     * @param root the folder of the filesystem mounted here ({@code /} unless a subvolume or bind mount)
     * @param superOptions the filesystem's options for this mount ({@code rw,subvolid=5,subvol=/} for btrfs)
     */
    record Mount(String device, String root, Path mountPoint, String fsType, String source, String superOptions) {
        /** For btrfs: the id of the subvolume mounted here ({@code subvolid=} among the super options), if shown. */
        Optional<Long> btrfsSubvolumeId() {
            for (String option : superOptions.split(",")) {
                if (option.startsWith("subvolid=")) {
                    try {
                        return Optional.of(Long.parseLong(option.substring("subvolid=".length())));
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                }
            }
            return Optional.empty();
        }
    }

    private final List<Mount> mounts;

    MountTable(List<Mount> mounts) {
        this.mounts = List.copyOf(mounts);
    }

    /** Where a data path lives: its real path and the mount holding it, or why that cannot be told. */
    sealed interface Placement permits Placed, Unplaceable {}

    record Placed(Path data, Mount mount, MountTable table) implements Placement {}

    record Unplaceable(String reason) implements Placement {}

    /** Resolves a data path and finds the mount that holds it (the longest matching mount point). */
    static Placement place(Path dataPath) {
        if (!java.nio.file.Files.exists(dataPath)) {
            return new Unplaceable(dataPath + " does not exist");
        }
        Path data;
        try {
            data = dataPath.toRealPath();
        } catch (java.io.IOException e) {
            return new Unplaceable("cannot resolve " + dataPath + ": " + e);
        }
        MountTable mounts = read();
        return mounts.find(data).<Placement>map(m -> new Placed(data, m, mounts))
                .orElseGet(() -> new Unplaceable("no mount in " + MOUNTINFO + " contains " + data));
    }

    /**
     * The mount holding an existing data path, for finding leftovers: empty when the path does not exist (nothing
     * can be left for it) or no mount holds it; {@code what} names the search in the error when the path cannot
     * be resolved.
     */
    static Optional<Mount> mountOf(Path dataPath, String what) {
        if (!java.nio.file.Files.exists(dataPath)) {
            return Optional.empty();
        }
        try {
            return read().find(dataPath.toRealPath());
        } catch (java.io.IOException e) {
            throw new dev.lifeline.core.snapshot.SnapshotException("cannot resolve " + dataPath + " to look for "
                    + what + ": " + e, e);
        }
    }

    static MountTable read() {
        try {
            return parse(Files.readAllLines(MOUNTINFO));
        } catch (IOException e) {
            throw new SnapshotException("cannot read " + MOUNTINFO + " to find filesystem types (" + e.getMessage()
                    + "); Lifeline needs a Linux /proc", e);
        }
    }

    /**
     * Parses mountinfo lines:
     * {@code id parent major:minor root mountpoint options [tags...] - fstype source superoptions}.
     */
    static MountTable parse(List<String> lines) {
        List<Mount> result = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (f.length < 7 || dash < 0 || dash + 2 >= f.length) {
                continue;
            }
            result.add(new Mount(f[2], unescape(f[3]), Path.of(unescape(f[4])), f[dash + 1], unescape(f[dash + 2]),
                    dash + 3 < f.length ? f[dash + 3] : ""));
        }
        return new MountTable(result);
    }

    /**
     * The mount a real (symlink-free, absolute) path is on: the longest mount point that contains it, the last
     * mounted one when several are stacked on the same point.
     */
    Optional<Mount> find(Path realPath) {
        Mount best = null;
        for (Mount m : mounts) {
            if (realPath.startsWith(m.mountPoint())
                    && (best == null || m.mountPoint().getNameCount() >= best.mountPoint().getNameCount())) {
                best = m;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The mount of {@code path}'s nearest existing ancestor (itself when it exists), resolving symlinks. */
    Optional<Mount> findExisting(Path path) {
        Path p = path.toAbsolutePath().normalize();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return Optional.empty();
        }
        try {
            return find(p.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Undoes mountinfo's octal escapes ({@code \040} for a space, {@code \011}, {@code \012}, {@code \134}). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
