package dev.lifeline.cli.backup;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/** Sizes, durations and times as people read them. */
public final class Human {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Human() {}

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 2.0 GiB}: binary units, one decimal. */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** {@code 850ms}, {@code 2.3s}, {@code 1m05s}, {@code 2h03m}. */
    public static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /** A duration in milliseconds, or {@code -} when there is none. */
    public static String millis(Long ms) {
        return ms == null ? "-" : duration(Duration.ofMillis(ms));
    }

    /** An ISO-8601 time in the given zone ({@code yyyy-MM-dd HH:mm:ss}); {@code -} for none, as-is if unreadable. */
    public static String time(String iso, ZoneId zone) {
        if (iso == null || iso.isBlank()) {
            return "-";
        }
        return instant(iso).map(i -> TIME.format(i.atZone(zone))).orElse(iso);
    }

    /** An ISO-8601 instant or offset date-time. */
    public static Optional<Instant> instant(String iso) {
        if (iso == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(OffsetDateTime.parse(iso).toInstant());
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }
}
