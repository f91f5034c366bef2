package dev.lifeline.core.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Builders for the monitor's inputs, shared by the fleet tests. */
final class Fleet {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    static final UUID HOST = host(1);
    static final MonitorRules RULES = MonitorRules.defaults();

    private Fleet() {}

    static UUID host(int n) {
        return new UUID(0, n);
    }

    static Instant at(long secondsAfterT0) {
        return T0.plusSeconds(secondsAfterT0);
    }

    /** An online host heard from at {@code lastHeartbeatAt}, tracked by this replica for a day. */
    static HostView online(UUID id, Instant lastHeartbeatAt) {
        return new HostView(id, HostStatus.ONLINE, T0.minus(Duration.ofDays(2)), lastHeartbeatAt,
                T0.minus(Duration.ofDays(3)), T0.minus(Duration.ofDays(1)));
    }

    static HostView unreachable(UUID id, Instant since) {
        return new HostView(id, HostStatus.UNREACHABLE, since, since.minusSeconds(90), T0.minus(Duration.ofDays(3)),
                T0.minus(Duration.ofDays(1)));
    }

    static HostView withStatus(HostView host, HostStatus status) {
        return new HostView(host.id(), status, host.statusSince(), host.lastHeartbeatAt(), host.registeredAt(),
                host.trackedSince());
    }

    static WorkloadRecord row(long id, String name, WorkloadStatus status, Instant since) {
        return new WorkloadRecord(id, name, status, since, null);
    }

    static ReportedWorkload listed(String name, WorkloadStatus status) {
        return new ReportedWorkload(name, status, null);
    }

    static HostReport report(Instant receivedAt, ReportedWorkload... stacks) {
        return new HostReport(1, receivedAt, Arrays.asList(stacks));
    }

    static HostReport report(Instant receivedAt, List<ReportedWorkload> stacks) {
        return new HostReport(1, receivedAt, stacks);
    }
}
