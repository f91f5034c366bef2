package dev.lifeline.core.fleet;

import java.util.Locale;

/** A host as the control plane sees it. */
public enum HostStatus {
    /** Heartbeats arrive. */
    ONLINE,
    /** No heartbeat for the threshold: its active workloads are {@code missing}. */
    UNREACHABLE,
    /** Set by an operator: reconciled like an online host, but takes no new work. */
    DRAINING;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static HostStatus fromWire(String value) {
        for (HostStatus s : values()) {
            if (s.wireName().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown host status '" + value + "': expected online, unreachable or draining");
    }
}
