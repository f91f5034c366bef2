package dev.lifeline.agent.journal;

import java.nio.file.Path;
import java.util.Optional;

/** Another agent (another process, or another owner in this JVM) holds the data directory's lock. */
public final class DataDirLockedException extends RuntimeException {
    private final Path dataDir;
    private final Optional<Long> holderPid;

    public DataDirLockedException(Path dataDir, Optional<Long> holderPid) {
        super("another Lifeline agent is running with data directory " + dataDir + " ("
                + holderPid.map(pid -> "pid " + pid).orElse("pid unknown")
                + " according to " + dataDir.resolve(DataDirLock.FILE_NAME) + "): stop that agent first,"
                + " or give this one another data directory with --data-dir or LIFELINE_DATA_DIR");
        this.dataDir = dataDir;
        this.holderPid = holderPid;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The pid written in the lock file by the holder, if readable. */
    public Optional<Long> holderPid() {
        return holderPid;
    }
}
