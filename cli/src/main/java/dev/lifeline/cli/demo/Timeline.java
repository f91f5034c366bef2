package dev.lifeline.cli.demo;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A readable, time-ordered list of what happened, with offsets from the first entry. */
final class Timeline {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private record Entry(Instant at, String what) {}

    private final List<Entry> entries = new ArrayList<>();

    void add(Instant at, String what) {
        entries.add(new Entry(at, what));
    }

    String render() {
        List<Entry> sorted = entries.stream().sorted(Comparator.comparing(Entry::at)).toList();
        if (sorted.isEmpty()) {
            return "";
        }
        Instant t0 = sorted.get(0).at();
        StringBuilder out = new StringBuilder();
        for (Entry e : sorted) {
            long ms = java.time.Duration.between(t0, e.at()).toMillis();
            out.append(String.format("  %s  +%6.2fs  %s%n", CLOCK.format(e.at()), ms / 1000.0, e.what()));
        }
        return out.toString();
    }
}
