package dev.lifeline.cli.fleet;

import java.time.Duration;
import java.time.Instant;

/** How long ago, for people: {@code 12s ago}, {@code 5m ago}, {@code 3h ago}, {@code 2d ago}, {@code never}. */
public final class Ago {
    private Ago() {}

    public static String format(Instant then, Instant now) {
        if (then == null) {
            return "never";
        }
        Duration d = Duration.between(then, now);
        if (d.isNegative()) {
            return "just now";
        }
        long s = d.toSeconds();
        if (s < 120) {
            return s + "s ago";
        }
        if (s < 2 * 3600) {
            return s / 60 + "m ago";
        }
        if (s < 2 * 86400) {
            return s / 3600 + "h ago";
        }
        return s / 86400 + "d ago";
    }
}
