package dev.lifeline.core.backup;

/** How a job reads the data it backs up. */
public enum BackupPath {
    /** Snapshot the data paths while quiesced, resume at once, upload from the snapshots. */
    SNAPSHOT,
    /**
     * The data paths are not on a snapshot-capable filesystem: quiesce with stop (pause and hook stacks are stopped
     * instead; none stays none), upload while quiesced, resume when the upload ends.
     */
    STOP_FALLBACK;

    public String wireName() {
        return this == SNAPSHOT ? "snapshot" : "stop-fallback";
    }
}
