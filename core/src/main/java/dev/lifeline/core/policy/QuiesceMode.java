package dev.lifeline.core.policy;

import java.util.Locale;
import java.util.Optional;

/** How a job makes a stack's data consistent before a backup ({@code lifeline.quiesce}). */
public enum QuiesceMode {
    /** Stop the stack's containers, restart them afterwards. The default. */
    STOP,
    /** Freeze the containers' processes (cgroup freezer), unpause afterwards. */
    PAUSE,
    /** Run {@code lifeline.quiesce.pre} before and {@code lifeline.quiesce.post} after; containers keep running. */
    HOOK,
    /** Do nothing: the stack's data is safe to copy while it runs. */
    NONE;

    public static final QuiesceMode DEFAULT = STOP;

    public String labelValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode a label value names (case-insensitive, trimmed), or empty when it names none. */
    public static Optional<QuiesceMode> fromLabel(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "stop" -> Optional.of(STOP);
            case "pause" -> Optional.of(PAUSE);
            case "hook" -> Optional.of(HOOK);
            case "none" -> Optional.of(NONE);
            default -> Optional.empty();
        };
    }
}
