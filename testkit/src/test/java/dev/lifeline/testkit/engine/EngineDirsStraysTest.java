package dev.lifeline.testkit.podman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a private Podman service ends what it left behind and nothing else. Real processes: one names the
 * service's dir on its command line, as a stray {@code conmon} does, the other does not.
 */
class PodmanServiceStraysTest {
    @TempDir
    Path dir;

    @Test
    void killsOnlyProcessesThatNameTheServiceDir() throws Exception {
        Process stray = new ProcessBuilder("sh", "-c", "sleep 600", dir.resolve("exits").toString()).start();
        Process other = new ProcessBuilder("sh", "-c", "sleep 600", "/elsewhere").start();
        try {
            assertEquals(1, PodmanService.endStrays(dir));
            assertTrue(stray.waitFor(10, TimeUnit.SECONDS), "the process naming the dir was killed");
            assertTrue(other.isAlive(), "the other process is left alone");
        } finally {
            stray.destroyForcibly();
            other.destroyForcibly();
        }
    }
}
