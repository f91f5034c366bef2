package dev.lifeline.agent.journal;

import java.nio.file.Path;

/** Run in a child JVM by {@link DataDirLockTest}: takes the lock, says so, and holds it until stdin closes. */
public final class LockHolderMain {
    private LockHolderMain() {}

    public static void main(String[] args) throws Exception {
        try (DataDirLock lock = DataDirLock.acquire(Path.of(args[0]))) {
            System.out.println("LOCKED " + ProcessHandle.current().pid() + " " + lock.lockFile());
            System.out.flush();
            while (System.in.read() != -1) {
                // hold the lock until the parent closes our stdin or kills us
            }
        }
    }
}
