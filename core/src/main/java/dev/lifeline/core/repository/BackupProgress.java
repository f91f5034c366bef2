package dev.lifeline.core.repository;

import java.time.Duration;

/** How far a running backup is. Totals may still grow while the tool is scanning. */
public record BackupProgress(double percentDone, long bytesDone, long totalBytes, long filesDone, long totalFiles,
        Duration elapsed) {
    public BackupProgress {
        if (elapsed == null) {
            elapsed = Duration.ZERO;
        }
    }
}
