package dev.lifeline.core.snapshot;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A read-only, point-in-time view of a data path.
 *
 * @param provider the {@link SnapshotProvider#name()} that took it (and must delete it)
 * @param source the data path it was taken of, as a real path (symlinks resolved)
 * @param location where the same file tree as {@code source} had at {@code takenAt} can be read
 * @param jobId the job that took it; also the folder it lives in, so a crashed job's snapshots can be found
 * @param takenAt when it was taken
 * @param handle what the provider deletes, in the provider's own terms: the snapshot subvolume (btrfs), the copy
 *     directory (staging copy), later a snapshot logical volume ({@code vg/lv}) or a ZFS snapshot name
 *     ({@code pool/ds@name}). {@code location} is the handle itself or lies inside what the handle names.
 */
public record Snapshot(String provider, Path source, Path location, String jobId, Instant takenAt, String handle) {
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public Snapshot {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(location, "location");
        requireJobId(jobId);
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(handle, "handle");
    }

    /**
     * Checks that a job id can name a folder: letters, digits, {@code .}, {@code _} and {@code -}, starting with a
     * letter or digit, at most 128 characters.
     *
     * @return the job id
     * @throws SnapshotException naming the id when it is not usable
     */
    public static String requireJobId(String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new SnapshotException("job id '" + jobId + "' cannot name a snapshot folder: use letters, digits, "
                    + "'.', '_' and '-', starting with a letter or digit, at most 128 characters");
        }
        return jobId;
    }
}
