package dev.lifeline.core.backup;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Whether a scheduled backup should run now. Pure: time is an argument.
 *
 * <p>Due when either holds:
 * <ul>
 *   <li>a scheduled time has come that is later than the last attempt (success or failure), and it is no more than
 *       the due window ago: a time missed by more than the window (the agent was down) is skipped, not caught up;</li>
 *   <li>the last attempt failed (no success since) and the retry delay has passed since that failure.</li>
 * </ul>
 * A failed attempt serves its scheduled time as a success does: only the retry rule makes it due again, so a
 * failing backup runs once per retry delay, not in a loop.
 */
public final class BackupDue {
    private BackupDue() {}

    public static boolean isDue(Optional<Instant> lastSuccess, Optional<Instant> lastFailure, CronSchedule schedule,
            Duration dueWindow, Duration retryDelay, ZonedDateTime now) {
        if (dueWindow == null || dueWindow.isNegative() || dueWindow.isZero()) {
            throw new IllegalArgumentException("backup.due-window must be > 0s, got " + dueWindow);
        }
        if (retryDelay == null || retryDelay.isNegative() || retryDelay.isZero()) {
            throw new IllegalArgumentException("backup.retry-delay must be > 0s, got " + retryDelay);
        }
        Instant nowInstant = now.toInstant();
        boolean failedLast = lastFailure.isPresent()
                && (lastSuccess.isEmpty() || lastFailure.get().isAfter(lastSuccess.get()));
        if (failedLast && !nowInstant.isBefore(lastFailure.get().plus(retryDelay))) {
            return true;
        }
        Instant windowStart = nowInstant.minus(dueWindow);
        Instant lastAttempt = lastSuccess.orElse(Instant.MIN);
        if (lastFailure.isPresent() && lastFailure.get().isAfter(lastAttempt)) {
            lastAttempt = lastFailure.get();
        }
        // the first scheduled time at or after the window start and after the last attempt
        Instant from = lastAttempt.isAfter(windowStart) ? lastAttempt : windowStart.minusNanos(1);
        ZonedDateTime scheduled = schedule.next(ZonedDateTime.ofInstant(from, now.getZone()));
        return !scheduled.toInstant().isAfter(nowInstant);
    }
}
