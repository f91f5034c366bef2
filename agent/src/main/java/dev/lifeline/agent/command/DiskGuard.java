package dev.lifeline.agent.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses a disruptive step when the data dir's disk is (nearly) full: the journal must be able to record the
 * operation, and later its undo, before any container is touched.
 */
@FunctionalInterface
public interface DiskGuard {

    /** Throws {@link InsufficientDiskException} when there is not enough room to go on safely. */
    void requireRoom(String operation);

    /** Free space below which Lifeline refuses to start a disruptive step. */
    long MIN_FREE_BYTES = 16L * 1024 * 1024;

    static DiskGuard forDataDir(Path dataDir) {
        return operation -> {
            long free;
            try {
                free = Files.getFileStore(dataDir).getUsableSpace();
            } catch (IOException e) {
                throw new InsufficientDiskException("cannot " + operation + ": the free space of " + dataDir
                        + " cannot be read (" + e.getMessage() + "); nothing was changed");
            }
            if (free < MIN_FREE_BYTES) {
                throw new InsufficientDiskException("cannot " + operation + ": only " + free / 1024 + " KiB free on "
                        + "the disk of " + dataDir + " (Lifeline needs " + MIN_FREE_BYTES / (1024 * 1024)
                        + " MiB to record the operation and its undo safely); nothing was changed. Free some space"
                        + " and try again");
            }
        };
    }

    DiskGuard NONE = operation -> { };
}
