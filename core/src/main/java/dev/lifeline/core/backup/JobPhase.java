package dev.lifeline.core.backup;

import java.util.Locale;

/** Where a backup job is. {@link #DONE} and {@link #FAILED} are terminal. */
public enum JobPhase {
    /** Created; the quiesce marker is not written yet. */
    PENDING,
    /** The marker is written; stacks are being quiesced, then snapshotted (or, in the stop-mode fallback, uploaded). */
    QUIESCING,
    /** Snapshots are taken; the quiesced stacks are being resumed and the upload runs. */
    SNAPSHOTTED,
    /** Only the upload is left (every stack is resumed, or in the fallback, stays quiesced until it ends). */
    UPLOADING,
    DONE,
    FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return this == DONE || this == FAILED;
    }

    public static JobPhase fromWire(String value) {
        for (JobPhase phase : values()) {
            if (phase.wireName().equals(value)) {
                return phase;
            }
        }
        throw new IllegalArgumentException("unknown job phase '" + value
                + "': expected pending, quiescing, snapshotted, uploading, done or failed");
    }
}
