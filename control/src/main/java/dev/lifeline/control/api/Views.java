package dev.lifeline.control.api;

import dev.lifeline.control.auth.Team;
import dev.lifeline.control.auth.TokenInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the API for people answers: the JSON shapes of openapi.json's component schemas, one record each. */
public final class Views {
    private Views() {}

    public record Whoami(String kind, String team, String actor) {}

    public record Host(UUID id, String hostname, String team, String status, Instant statusSince,
            Instant lastHeartbeatAt, String agentVersion, Instant registeredAt, Map<String, Integer> workloads) {}

    public record HostList(List<Host> hosts, UUID next) {}

    public record HostDetail(Host host, List<Workload> workloads) {}

    public record Workload(long id, UUID hostId, String hostname, String team, String name, String status,
            Instant statusSince, Instant lastUpdated, String detail) {}

    public record WorkloadList(List<Workload> workloads, Long next) {}

    public record Command(UUID id, UUID hostId, String workload, String kind, String state, String actor,
            String reason, Instant createdAt, Instant deliveredAt, Instant finishedAt, String error) {}

    public record BackupStatus(UUID hostId, String hostname, String team, String workload, String status,
            String detail, Command last, Instant lastSucceededAt) {}

    public record BackupList(List<BackupStatus> stacks) {}

    public record AuditEvent(long id, Instant at, String team, UUID hostId, String hostname, String workload,
            String actorKind, String actor, String action, String reason, String outcome, String error,
            String beforeStatus, String afterStatus) {}

    public record AuditPage(List<AuditEvent> events, Long next) {}

    public record TeamList(List<Team> teams) {}

    public record TokenList(List<TokenInfo> tokens) {}

    public record Error(String error, String detail) {}
}
