package dev.lifeline.core.retry;

import java.time.Duration;

/** Short human form of a duration for messages: {@code 1h2m3s}, {@code 5s}, {@code 250ms}, {@code 0s}, {@code -1s}. */
final class DurationText {
    private DurationText() {}

    static String of(Duration duration) {
        if (duration == null) {
            return "null";
        }
        if (duration.isNegative()) {
            return "-" + of(duration.negated());
        }
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        int nanos = duration.toNanosPart();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds > 0) {
            out.append(seconds).append('s');
        }
        if (nanos > 0) {
            if (nanos % 1_000_000 == 0) {
                out.append(nanos / 1_000_000).append("ms");
            } else {
                out.append(nanos).append("ns");
            }
        }
        return out.toString();
    }
}
