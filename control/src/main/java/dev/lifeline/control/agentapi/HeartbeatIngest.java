package dev.lifeline.control.agentapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.audit.AuditEvent;
import dev.lifeline.control.audit.AuditWriter;
import dev.lifeline.control.command.CommandRows;
import dev.lifeline.control.notify.Notifications;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.wire.AgentCommand;
import dev.lifeline.core.fleet.wire.CommandResult;
import dev.lifeline.core.fleet.wire.Heartbeat;
import dev.lifeline.core.fleet.wire.HeartbeatResponse;
import dev.lifeline.core.log.KeyValues;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores heartbeats by group commit: one writer thread takes every heartbeat that arrived while it wrote the previous
 * batch and writes them all in one transaction (one fsync), then answers each after the commit. Under load the
 * batches grow by themselves, so the cost per heartbeat falls as the rate rises; idle, a heartbeat is written alone.
 *
 * <p>Per batch, a constant number of statements: the hosts' reports (last_heartbeat_at and agent_version always; the
 * report jsonb, and report_seq + 1, only when the report differs from the stored one by its SHA-256, or the host
 * was unreachable: a quiet host's heartbeat is not news for the monitor, and its report is not parsed, compressed
 * and written again; the stacks that changed are added to the host's change list, so that the monitor compares
 * only those; an unreachable host becomes online, its change list unknown), the audit events and notifications of the
 * hosts that came back, the command results (done or failed, audited), and the hosts' open commands (delivered).
 * A batch that fails is written again one heartbeat at a time, so one bad heartbeat fails alone.
 */
public final class HeartbeatIngest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatIngest.class);
    private static final int RETRIES = 3;
    /** At most this many heartbeats wait for the writer (twenty full batches). */
    private static final int MAX_QUEUED = 10_000;

    /**
     * A heartbeat waiting for its batch.
     *
     * @param report the report as stored ({@code [{name, status, detail}]}); null when this replica stored the same
     *     report for the host last (it is serialized only if the database holds another one after all)
     */
    private record Pending(HostIdentity host, Heartbeat beat, String digest, String report,
            CompletableFuture<HeartbeatResponse> answer) {
        Pending withReport(String json) {
            return new Pending(host, beat, digest, json, answer);
        }
    }

    private record Written(Set<UUID> stored, Set<UUID> cameBack, Map<UUID, List<AgentCommand>> commands) {}

    private final Jdbi jdbi;
    private final InstantSource clock;
    private final AgentApiSettings settings;
    private final HostBackListener hostBack;
    private final String origin;
    private final HostTokens tokens;
    private final ObjectMapper json;
    /** Each host's report digest as this replica last stored it: an unchanged report is not even serialized. */
    private final ConcurrentHashMap<UUID, String> stored = new ConcurrentHashMap<>();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private volatile boolean running = true;

    /**
     * @param origin this replica's name in the host-back notifications, so that it skips its own
     */
    HeartbeatIngest(Jdbi jdbi, InstantSource clock, AgentApiSettings settings, HostBackListener hostBack,
            String origin, HostTokens tokens, ObjectMapper json) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.settings = settings;
        this.hostBack = hostBack;
        this.origin = origin;
        this.tokens = tokens;
        this.json = json;
        this.writer = Thread.ofPlatform().daemon().name("heartbeat-writer").unstarted(this::run);
    }

    void start() {
        writer.start();
    }

    /** Queues a checked heartbeat; the answer completes after its batch commits. */
    CompletableFuture<HeartbeatResponse> submit(HostIdentity host, Heartbeat beat) {
        CompletableFuture<HeartbeatResponse> answer = new CompletableFuture<>();
        if (!running) {
            answer.completeExceptionally(AgentApiException.unavailable("the control plane is shutting down"));
            return answer;
        }
        if (queue.size() >= MAX_QUEUED) {
            // the database does not keep up: the agent backs off and sends it again, rather than this queue growing
            answer.completeExceptionally(AgentApiException.unavailable("the control plane is overloaded; send the "
                    + "heartbeat again later"));
            return answer;
        }
        String digest = ReportDigest.of(beat.stacks());
        String report = digest.equals(stored.get(host.host())) ? null : serialize(beat);
        queue.add(new Pending(host, beat, digest, report, answer));
        return answer;
    }

    /** Heartbeats stored and transactions used since the start (for the benchmark and metrics). */
    public record Counts(long heartbeats, long batches) {}

    public Counts counts() {
        return new Counts(heartbeats.get(), batches.get());
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(settings.maxBatch());
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, settings.maxBatch() - 1);
                write(batch);
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.error(KeyValues.line("event", "heartbeat_writer_failed", "error", e.toString()), e);
                batch.forEach(p -> p.answer().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.answer().completeExceptionally(
                AgentApiException.unavailable("the control plane is shutting down")));
    }

    private void write(List<Pending> batch) {
        Instant now = clock.instant();
        Written written;
        try {
            written = writeWithRetries(batch, now);
        } catch (RuntimeException e) {
            if (batch.size() > 1 && !isConnectionFailure(e)) {
                LOG.warn(KeyValues.line("event", "heartbeat_batch_failed", "size", batch.size(), "error",
                        rootMessage(e), "action", "writing one at a time"));
                for (Pending p : batch) {
                    write(List.of(p));
                }
                return;
            }
            // one heartbeat that cannot be stored, or a database that cannot be reached: none of them is
            LOG.error(KeyValues.line("event", "heartbeat_store_failed", "heartbeats", batch.size(), "host",
                    batch.getFirst().host().host(), "error", rootMessage(e)));
            AgentApiException unavailable = AgentApiException.unavailable("the heartbeat could not be stored ("
                    + rootMessage(e) + "); send it again later");
            batch.forEach(p -> p.answer().completeExceptionally(unavailable));
            return;
        }
        heartbeats.addAndGet(batch.size());
        batches.incrementAndGet();
        for (Pending p : batch) {
            UUID host = p.host().host();
            if (written.stored().contains(host)) {
                stored.put(host, p.digest());
            } else {
                stored.remove(host);
            }
        }
        for (Pending p : batch) {
            UUID host = p.host().host();
            if (!written.stored().contains(host)) {
                tokens.forget(host);
                p.answer().completeExceptionally(AgentApiException.unauthorized("host " + host + " is no longer "
                        + "registered; join again with a new join token"));
                continue;
            }
            List<String> acknowledged = p.beat().results().stream().map(CommandResult::commandId).toList();
            p.answer().complete(new HeartbeatResponse(written.commands().getOrDefault(host, List.of()),
                    acknowledged, settings.heartbeatInterval().toMillis()));
        }
        for (UUID host : written.cameBack()) {
            try {
                hostBack.hostBack(host);
            } catch (RuntimeException e) {
                LOG.error(KeyValues.line("event", "host_back_listener_failed", "host", host, "error", e.toString()), e);
            }
        }
    }

    private Written writeWithRetries(List<Pending> batch, Instant now) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(h -> writeBatch(h, batch, now));
            } catch (RuntimeException e) {
                if (attempt >= RETRIES || !isTransient(e)) {
                    throw e;
                }
                LOG.info(KeyValues.line("event", "heartbeat_batch_retried", "attempt", attempt, "error",
                        rootMessage(e)));
            }
        }
    }

    private Written writeBatch(Handle h, List<Pending> batch, Instant now) {
        // a host's latest heartbeat in the batch is its report; results of all of them count
        Map<UUID, Pending> latest = new LinkedHashMap<>();
        for (Pending p : batch) {
            latest.put(p.host().host(), p);
        }
        Map<UUID, String> before = storeReports(h, latest.values(), now);
        // sent without its text as unchanged, but the database holds another report (another replica stored it)
        List<Pending> stale = latest.values().stream()
                .filter(p -> p.report() == null && !before.containsKey(p.host().host()))
                .map(p -> p.withReport(serialize(p.beat()))).toList();
        if (!stale.isEmpty()) {
            before.putAll(storeReports(h, stale, now));
        }
        List<AuditEvent> audit = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        Set<UUID> cameBack = new LinkedHashSet<>();
        for (Map.Entry<UUID, String> e : before.entrySet()) {
            if (HostStatus.UNREACHABLE.wireName().equals(e.getValue())) {
                UUID host = e.getKey();
                cameBack.add(host);
                notices.add(host + " " + origin);
                audit.add(new AuditEvent(now, latest.get(host).host().team(), host, null,
                        AuditEvent.Actor.system("agent-api"), "host_online", "a heartbeat arrived from the "
                        + "unreachable host", true, null, HostStatus.UNREACHABLE.wireName(),
                        HostStatus.ONLINE.wireName()));
            }
        }
        List<CommandRows.Result> results = new ArrayList<>();
        for (Pending p : batch) {
            if (before.containsKey(p.host().host())) {
                for (CommandResult r : p.beat().results()) {
                    results.add(new CommandRows.Result(p.host().host(), UUID.fromString(r.commandId()), r.ok(),
                            r.ok() ? null : r.error() == null ? "no error text" : r.error()));
                }
            }
        }
        for (CommandRows.Finished f : CommandRows.finish(h, results, now)) {
            audit.add(new AuditEvent(now, f.teamId(), f.host(), f.workload(), AuditEvent.Actor.system("agent"),
                    "command_result", f.kind().wireName() + " requested by " + f.actor() + " (command " + f.id()
                    + ")" + (f.ok() ? " done" : " failed"), f.ok(), f.error(), null, null));
        }
        AuditWriter.append(h, audit);
        if (!notices.isEmpty()) {
            h.createQuery("SELECT pg_notify(:channel, n) FROM unnest(:notices) AS n")
                    .bind("channel", Notifications.HOST_BACK).bind("notices", notices.toArray(String[]::new))
                    .mapTo(String.class).list();
        }
        Map<UUID, List<AgentCommand>> commands = new HashMap<>();
        for (CommandRows.Delivery d : CommandRows.deliverOpen(h, before.keySet(), List.of(), now)) {
            commands.computeIfAbsent(d.host(), k -> new ArrayList<>()).add(d.command());
        }
        return new Written(before.keySet(), cameBack, commands);
    }

    /**
     * Writes each host's heartbeat; answers each stored host's status before the write. Absent: no such host, or a
     * report sent without its text that differs from the stored one.
     */
    private static Map<UUID, String> storeReports(Handle h, Collection<Pending> reports, Instant now) {
        int n = reports.size();
        String[] ids = new String[n];
        String[] bodies = new String[n];
        String[] digests = new String[n];
        String[] versions = new String[n];
        int i = 0;
        for (Pending p : reports) {
            ids[i] = p.host().host().toString();
            bodies[i] = p.report();
            digests[i] = p.digest();
            versions[i] = p.beat().agentVersion();
            i++;
        }
        Map<UUID, String> before = new LinkedHashMap<>();
        h.createQuery("""
                WITH r AS (
                    SELECT t.id, t.report, decode(t.sha, 'hex') AS sha, t.version
                    FROM unnest(CAST(:ids AS uuid[]), :reports, :digests, :versions) AS t(id, report, sha, version)),
                old AS (
                    SELECT h.id, h.status, h.report_sha256 IS DISTINCT FROM r.sha AS changed
                    FROM hosts h JOIN r ON r.id = h.id ORDER BY h.id FOR UPDATE OF h)
                UPDATE hosts h SET
                    report = CASE WHEN old.changed THEN CAST(r.report AS jsonb) ELSE h.report END,
                    report_sha256 = r.sha,
                    report_seq = h.report_seq + CASE WHEN old.changed OR old.status = 'unreachable' THEN 1 ELSE 0 END,
                    report_changes = CASE WHEN old.status = 'unreachable' THEN NULL
                        WHEN old.changed THEN report_changes_after(h.report_changes, h.report, CAST(r.report AS jsonb))
                        ELSE h.report_changes END,
                    last_heartbeat_at = :now, agent_version = coalesce(r.version, h.agent_version),
                    status = CASE WHEN old.status = 'unreachable' THEN 'online' ELSE h.status END,
                    status_since = CASE WHEN old.status = 'unreachable' THEN :now ELSE h.status_since END
                FROM r JOIN old ON old.id = r.id
                WHERE h.id = r.id AND (NOT old.changed OR r.report IS NOT NULL)
                RETURNING h.id, old.status
                """)
                .bind("ids", ids).bind("reports", bodies).bind("digests", digests).bind("versions", versions)
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .map((rs, ctx) -> Map.entry(rs.getObject("id", UUID.class), rs.getString("status")))
                .forEach(e -> before.put(e.getKey(), e.getValue()));
        return before;
    }

    private String serialize(Heartbeat beat) {
        try {
            return json.writeValueAsString(beat.stacks());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a report: " + e.getMessage(), e);
        }
    }

    /**
     * The database cannot be reached or is going away (no connection within the pool's timeout, SQLSTATE class 08 or
     * 57): writing the heartbeats one at a time would only wait longer for the same answer.
     */
    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57"))) {
                return true;
            }
        }
        return false;
    }

    /** A deadlock or serialization failure: the same transaction may succeed when written again. */
    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("40P01".equals(sql.getSQLState())
                    || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public void close() {
        running = false;
        writer.interrupt();
        try {
            writer.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
