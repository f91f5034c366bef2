package dev.lifeline.testkit.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a private engine ends what it left behind and nothing else. Real processes: one names the engine's dir on
 * its command line, as a stray {@code conmon} or {@code containerd-shim} does, the other does not.
 */
class EngineDirsStraysTest {
    @TempDir
    Path dir;

    @Test
    void killsOnlyProcessesThatNameTheServiceDir() throws Exception {
        Process stray = new ProcessBuilder("sh", "-c", "sleep 600", dir.resolve("exits").toString()).start();
        Process other = new ProcessBuilder("sh", "-c", "sleep 600", "/elsewhere").start();
        try {
            assertEquals(1, EngineDirs.endStrays(dir));
            assertTrue(stray.waitFor(10, TimeUnit.SECONDS), "the process naming the dir was killed");
            assertTrue(other.isAlive(), "the other process is left alone");
        } finally {
            stray.destroyForcibly();
            other.destroyForcibly();
        }
    }
}
