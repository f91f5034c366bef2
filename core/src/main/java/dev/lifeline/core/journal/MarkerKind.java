package dev.lifeline.core.journal;

/** What a marker promises to finish after a crash. */
public enum MarkerKind {
    /** Stacks were (or are about to be) stopped by the user's command: finish stopping them. */
    STOP,
    /** Stacks were (or are about to be) started by the user's command or recovery: finish starting them. */
    START,
    /** Stacks were (or are about to be) quiesced by a job: restart exactly these. */
    QUIESCE
}
