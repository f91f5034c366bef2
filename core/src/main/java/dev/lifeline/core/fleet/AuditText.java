package dev.lifeline.core.fleet;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The pieces of the monitor's audit reasons: instants and durations to the second. */
final class AuditText {
    private AuditText() {}

    /** {@code 2026-03-01T12:00:03Z}. */
    static String at(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** {@code 2m10s}, {@code 1h}, {@code 45s}, {@code 0s}; whole seconds, rounded down. */
    static String span(Duration duration) {
        long total = Math.max(0, duration.toSeconds());
        long hours = total / 3600;
        long minutes = total % 3600 / 60;
        long seconds = total % 60;
        StringBuilder out = new StringBuilder();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds > 0 || out.isEmpty()) {
            out.append(seconds).append('s');
        }
        return out.toString();
    }

    /** {@code 50%}, {@code 66.7%}. */
    static String share(double share) {
        double percent = share * 100;
        return percent == Math.rint(percent) ? (long) percent + "%" : String.format(Locale.ROOT, "%.1f%%", percent);
    }
}
