package dev.lifeline.agent.backup;

/** A backup job is already running on this host: one at a time. */
public final class BackupBusyException extends RuntimeException {
    private final String runningJob;

    public BackupBusyException(String runningJob, String message) {
        super(message);
        this.runningJob = runningJob;
    }

    /** The job that holds the host, when known. */
    public String runningJob() {
        return runningJob;
    }
}
