package dev.lifeline.core.fleet;

/** One stack of a host's latest report, its status parsed ({@code missing} never comes from a host). */
public record ReportedWorkload(String name, WorkloadStatus status, String detail) {
    public ReportedWorkload {
        if (status == WorkloadStatus.MISSING) {
            throw new IllegalArgumentException("a host cannot report a stack as missing: " + name);
        }
    }
}
