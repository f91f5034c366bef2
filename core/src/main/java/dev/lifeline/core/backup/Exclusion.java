package dev.lifeline.core.backup;

import dev.lifeline.core.model.StackName;

/** A stack a job leaves alone, and why. */
public record Exclusion(StackName stack, Reason reason, String detail) {

    public enum Reason {
        /** The job was not asked to back it up. */
        NOT_SELECTED,
        /** Selected, but no container of it runs: it is not quiesced and so never put on the restart list. */
        NOT_RUNNING,
        /** Selected, but {@code lifeline.protected}: Lifeline never touches it. */
        PROTECTED,
        /** Selected, but no container belongs to a stack of that name. */
        NOT_FOUND,
        /** Selected and running, but none of its containers mounts a data directory: there is nothing to back up. */
        NO_DATA
    }
}
