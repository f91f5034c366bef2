package dev.lifeline.core.fleet;

import java.time.Instant;
import java.util.Objects;

/** A mass silence in effect since {@code since}: no host is marked unreachable, nothing destructive runs. */
public record SilenceHold(Instant since) {
    public SilenceHold {
        Objects.requireNonNull(since, "since");
    }
}
