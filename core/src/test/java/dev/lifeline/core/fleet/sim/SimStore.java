package dev.lifeline.core.fleet.sim;

import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.HostReport;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.HostView;
import dev.lifeline.core.fleet.WorkloadRecord;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The control plane's records in memory, as the real store keeps them: hosts (with their latest report, sequence
 * numbers and next check), workload rows, commands, and the append-only audit log. Every status write is
 * compare-and-set and leaves a {@link Change} for the invariants.
 */
final class SimStore {
    static final class HostRow {
        final UUID id;
        HostStatus status = HostStatus.ONLINE;
        Instant statusSince;
        Instant lastHeartbeatAt;
        final Instant registeredAt;
        HostReport report;
        long reportSeq;
        long reconciledSeq;
        Instant nextCheckAt;

        HostRow(UUID id, Instant registeredAt) {
            this.id = id;
            this.registeredAt = registeredAt;
            this.statusSince = registeredAt;
        }

        HostView view(Instant trackedSince) {
            return new HostView(id, status, statusSince, lastHeartbeatAt, registeredAt, trackedSince);
        }
    }

    static final class Row {
        final long id;
        final String name;
        WorkloadStatus status;
        Instant statusSince;
        String detail;
        /** What the status is known from: the report's time for the monitor's writes, else the write's time. */
        Instant basisAt;

        Row(long id, String name, WorkloadStatus status, Instant since, String detail, Instant basisAt) {
            this.id = id;
            this.name = name;
            this.status = status;
            this.statusSince = since;
            this.detail = detail;
            this.basisAt = basisAt;
        }

        WorkloadRecord record() {
            return new WorkloadRecord(id, name, status, statusSince, detail);
        }
    }

    /** An audit event; {@code host} null for fleet-wide ones (a mass silence). */
    record Audit(Instant at, UUID host, String workload, String actor, String action, WorkloadStatus before,
            WorkloadStatus after, String reason) {}

    /**
     * A row's status changed. {@code evidence}: the report the monitor's plan was made from (null for a user's
     * command and for the passive rule); {@code beforeBasis}: what the previous status was known from.
     */
    record Change(Instant at, UUID host, String workload, WorkloadStatus before, WorkloadStatus after,
            Instant beforeBasis, String actor, boolean audited, HostReport evidence) {}

    record Command(long id, UUID host, String workload, CommandKind kind, Instant createdAt) {}

    final Map<UUID, HostRow> hosts = new LinkedHashMap<>();
    final Map<UUID, TreeMap<String, Row>> rows = new LinkedHashMap<>();
    final List<Audit> audit = new ArrayList<>();
    final List<Change> changes = new ArrayList<>();
    /** When the last command of each workload ("host/name") reached its agent. */
    final Map<String, Instant> deliveredAt = new HashMap<>();
    /** Commands not yet delivered to their agent. */
    final List<Command> pending = new ArrayList<>();
    private long nextRowId = 1;
    private long nextCommandId = 1;

    void register(UUID host, Instant at) {
        hosts.put(host, new HostRow(host, at));
        rows.put(host, new TreeMap<>());
    }

    Row row(UUID host, long id) {
        return rows.get(host).values().stream().filter(r -> r.id == id).findFirst().orElse(null);
    }

    /** The compare-and-set write: false (a lost race, not an error) when the row is gone or has another status. */
    boolean setStatus(UUID host, long rowId, WorkloadStatus expected, WorkloadStatus next, Instant now, String actor,
            String reason, boolean audited, HostReport evidence) {
        Row row = row(host, rowId);
        if (row == null || row.status != expected) {
            return false;
        }
        changes.add(new Change(now, host, row.name, expected, next, row.basisAt, actor, audited, evidence));
        if (audited) {
            audit.add(new Audit(now, host, row.name, actor, "workload." + next.wireName(), expected, next, reason));
        }
        row.status = next;
        row.statusSince = now;
        row.basisAt = evidence == null ? now : evidence.receivedAt();
        return true;
    }

    boolean insert(UUID host, String name, WorkloadStatus status, String detail, Instant now, String reason,
            HostReport evidence) {
        if (rows.get(host).containsKey(name)) {
            return false;
        }
        rows.get(host).put(name, new Row(nextRowId++, name, status, now, detail, evidence.receivedAt()));
        changes.add(new Change(now, host, name, null, status, null, "system", true, evidence));
        audit.add(new Audit(now, host, name, "system", "workload.discovered", null, status, reason));
        return true;
    }

    Command command(UUID host, String workload, CommandKind kind, Instant now) {
        Command command = new Command(nextCommandId++, host, workload, kind, now);
        pending.add(command);
        return command;
    }

    void auditHost(Instant now, UUID host, String action, String reason) {
        audit.add(new Audit(now, host, null, "system", action, null, null, reason));
    }
}
