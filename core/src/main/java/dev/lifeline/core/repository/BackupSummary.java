package dev.lifeline.core.repository;

import java.time.Duration;
import java.util.Objects;

/** The outcome of a finished backup: the snapshot it stored and what it had to store. */
public record BackupSummary(String snapshotId, long filesNew, long filesChanged, long filesUnmodified, long dataAdded,
        long totalBytesProcessed, Duration duration) {
    public BackupSummary {
        Objects.requireNonNull(snapshotId, "snapshotId");
        if (duration == null) {
            duration = Duration.ZERO;
        }
    }
}
