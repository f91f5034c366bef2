package dev.lifeline.core.repository;

import java.time.Duration;
import java.util.List;

/**
 * What a repository check found. {@code ok} is true when no problem was found; {@code problems} are the tool's
 * own lines describing damage (bounded), {@code dataRead} whether the stored data itself was read and verified.
 */
public record CheckResult(boolean ok, boolean dataRead, List<String> problems, Duration duration) {
    public CheckResult {
        problems = problems == null ? List.of() : List.copyOf(problems);
        if (duration == null) {
            duration = Duration.ZERO;
        }
    }
}
