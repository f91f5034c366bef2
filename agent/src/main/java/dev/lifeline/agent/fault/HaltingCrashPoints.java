package dev.lifeline.agent.fault;

import dev.lifeline.core.fault.CrashPoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash points for the real agent process, for kill -9 tests: when the point named by {@code LIFELINE_CRASH_AT} is
 * reached, the agent writes {@code crash-point.reached} in its data dir and stops dead there, holding every lock and
 * file it holds, until the test kills it. With no such variable (production), reaching a point costs a string compare.
 */
public final class HaltingCrashPoints implements CrashPoints {
    private static final Logger log = LoggerFactory.getLogger(HaltingCrashPoints.class);
    public static final String ENV = "LIFELINE_CRASH_AT";
    public static final String REACHED_FILE = "crash-point.reached";
    private final String armed;
    private final Path dataDir;

    public HaltingCrashPoints(String armed, Path dataDir) {
        this.armed = armed == null ? "" : armed.trim();
        this.dataDir = dataDir;
    }

    @Override
    public void reach(String point) {
        if (armed.isEmpty() || !armed.equals(point)) {
            return;
        }
        log.warn("event=crash_point_reached point={} pid={} action=halt_until_killed", point, ProcessHandle.current().pid());
        try {
            Path tmp = dataDir.resolve(REACHED_FILE + ".tmp");
            Files.writeString(tmp, point + "\n");
            Files.move(tmp, dataDir.resolve(REACHED_FILE), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.error("event=crash_point_marker_failed error=\"{}\"", e.toString());
        }
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // Stay dead: only an external kill ends this process.
            }
        }
    }
}
