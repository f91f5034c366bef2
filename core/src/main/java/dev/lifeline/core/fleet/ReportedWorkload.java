package dev.lifeline.core.fleet;

import java.util.Objects;

/** One stack of a host's latest report, its status parsed ({@code missing} never comes from a host). */
public record ReportedWorkload(String name, WorkloadStatus status, String detail) {
    public ReportedWorkload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        if (status == WorkloadStatus.MISSING) {
            throw new IllegalArgumentException("a host cannot report a stack as missing: " + name);
        }
    }
}
