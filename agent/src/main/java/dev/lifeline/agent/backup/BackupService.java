package dev.lifeline.agent.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.agent.api.Json;
import dev.lifeline.agent.command.DiskGuard;
import dev.lifeline.agent.recovery.UnknownStackException;
import dev.lifeline.agent.config.AgentConfig;
import dev.lifeline.agent.config.Durations;
import dev.lifeline.agent.recovery.Inventory;
import dev.lifeline.core.backup.BackupDue;
import dev.lifeline.core.backup.BackupPath;
import dev.lifeline.core.backup.CronSchedule;
import dev.lifeline.core.backup.Exclusion;
import dev.lifeline.core.backup.Hook;
import dev.lifeline.core.backup.JobLedger;
import dev.lifeline.core.backup.JobPhase;
import dev.lifeline.core.backup.JobRecord;
import dev.lifeline.core.backup.QuiescePlan;
import dev.lifeline.core.backup.QuiescePlanner;
import dev.lifeline.core.backup.QuiesceTarget;
import dev.lifeline.core.engine.ContainerEngine;
import dev.lifeline.core.engine.DataMount;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.MarkerKind;
import dev.lifeline.core.journal.QuiescedStack;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.agent.snapshot.SyncfsFlush;
import dev.lifeline.core.snapshot.DataFlush;
import dev.lifeline.core.snapshot.SnapshotProviders;
import dev.lifeline.core.snapshot.SnapshotException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups on this host: plans and starts jobs (one at a time, across processes too), answers for their status,
 * says which stacks are due, runs the schedule, and after a crash finishes what a job left behind before boot
 * recovery runs.
 */
public final class BackupService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackupService.class);
    /** Per-stack overrides, read from the stack's containers. */
    public static final String SCHEDULE_LABEL = "lifeline.backup.schedule";
    public static final String MAX_QUIESCE_LABEL = "lifeline.max-quiesce";
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneId.of("UTC"));

    private final BackupRunner.Parts parts;
    private final Inventory inventory;
    private final ContainerEngine engine;
    private final JobLedger ledger;
    private final AgentConfig.Backup config;
    private final Path lockFile;
    private final DiskGuard disk;
    private final BooleanSupplier ready;
    private final ObjectMapper json = Json.mapper();
    private final Object startLock = new Object();
    private volatile BackupRunner current;
    private volatile Thread currentThread;
    private volatile boolean closing;
    private Thread scheduler;

    public BackupService(BackupRunner.Parts parts, Inventory inventory, ContainerEngine engine, JobLedger ledger,
            AgentConfig.Backup config, Path dataDir, DiskGuard disk, BooleanSupplier ready) {
        this.parts = parts;
        this.inventory = inventory;
        this.engine = engine;
        this.ledger = ledger;
        this.config = config;
        this.lockFile = dataDir.resolve("backup.lock");
        this.disk = disk;
        this.ready = ready;
    }

    /**
     * The runner's parts as the agent builds them: retention by restic forget per stack and data path, the data's
     * filesystems flushed with syncfs before the quiesce (unless {@code backup.flush-timeout} is zero).
     */
    public static BackupRunner.Parts parts(dev.lifeline.core.journal.Journal journal, Quiescer quiescer,
            SnapshotProviders snapshots, dev.lifeline.core.repository.BackupRepository repository,
            dev.lifeline.core.fault.CrashPoints crash, java.time.InstantSource clock, AgentConfig.Backup config,
            Path dataDir) {
        return new BackupRunner.Parts(journal, quiescer, snapshots, repository, crash, clock, "",
                new ResticRetention(repository, config.keep(), config.pruneEvery(), dataDir, clock),
                config.flushTimeout().isZero() ? DataFlush.NONE : new SyncfsFlush(config.flushTimeout(), clock));
    }

    // ---- starting a job -----------------------------------------------------------------------------------------

    /**
     * Plans a job over {@code requested} (every stack when empty) and starts it in the background.
     *
     * @throws UnknownStackException when a requested stack does not exist
     * @throws BackupBusyException   when a job already runs (here or in another process)
     * @throws NotReadyException     while boot recovery is not complete
     * @throws IllegalArgumentException when nothing of the selection can be backed up (the message says why)
     */
    public JobView start(List<StackName> requested, String origin) {
        if (!ready.getAsBoolean()) {
            throw new NotReadyException("boot recovery is not complete yet: backups wait until every stack that"
                    + " should run is back; try again shortly");
        }
        if (closing) {
            throw new NotReadyException("the agent is shutting down");
        }
        synchronized (startLock) {
            BackupRunner running = current;
            if (running != null) {
                throw new BackupBusyException(running.jobId(), "backup job " + running.jobId()
                        + " is running; one job at a time per host. Follow it with: lifeline backup status "
                        + running.jobId());
            }
            disk.requireRoom("start a backup");
            FileLock lock = lockHost();
            try {
                Prepared prepared = prepare(requested);
                String jobId = "b" + ID_TIME.format(parts.clock().instant()) + "-"
                        + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
                BackupRunner runner = new BackupRunner(parts, jobId, origin, prepared.requested(), prepared.plan(),
                        prepared.paths(), prepared.path(), prepared.maxQuiesce(), prepared.notes(), this::save);
                current = runner;
                log.info("event=backup_started job={} origin={} stacks={} path={} max_quiesce={}", jobId, origin,
                        prepared.plan().stacks(), prepared.path().wireName(), Durations.format(prepared.maxQuiesce()));
                currentThread = Thread.ofPlatform().daemon().name("backup-" + jobId).start(() -> {
                    try {
                        runner.run();
                    } catch (RuntimeException e) {
                        log.error("event=backup_internal_error job={} error=\"{}\"", jobId, e.toString(), e);
                    } finally {
                        release(lock);
                        synchronized (startLock) {
                            current = null;
                            currentThread = null;
                        }
                    }
                });
                return runner.view();
            } catch (RuntimeException e) {
                release(lock);
                throw e;
            }
        }
    }

    private record Prepared(List<StackName> requested, QuiescePlan plan, List<DataPath> paths, BackupPath path,
            Duration maxQuiesce, List<String> notes) {}

    private Prepared prepare(List<StackName> requested) {
        List<Stack> all = inventory.stacks();
        Set<StackName> known = all.stream().map(Stack::name).collect(Collectors.toCollection(TreeSet::new));
        for (StackName name : requested) {
            if (!known.contains(name)) {
                throw new UnknownStackException(name.value(), known.stream().map(StackName::value).toList());
            }
        }
        List<StackName> selected = requested.isEmpty() ? List.copyOf(known) : List.copyOf(new TreeSet<>(requested));
        QuiescePlan plan = QuiescePlanner.plan(selected, all);
        List<String> notes = new ArrayList<>();
        plan.problems().forEach(p -> notes.add("label problem: " + p));
        notes.addAll(plan.notes());

        Map<StackName, Stack> byName = all.stream().collect(Collectors.toMap(Stack::name, s -> s));
        List<DataPath> paths = new ArrayList<>();
        List<QuiesceTarget> kept = new ArrayList<>();
        List<Exclusion> excluded = new ArrayList<>(plan.excluded());
        Set<Path> seen = new java.util.HashSet<>();
        for (QuiesceTarget target : plan.quiesceOrder()) {
            List<DataPath> own = dataPaths(byName.get(target.stack()), target, notes, seen);
            if (own.isEmpty()) {
                excluded.add(new Exclusion(target.stack(), Exclusion.Reason.NO_DATA,
                        "no container mounts a writable data directory or file: nothing to back up"));
            } else {
                kept.add(target);
                paths.addAll(own);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("nothing to back up: " + excluded.stream()
                    .filter(e -> e.reason() != Exclusion.Reason.NOT_SELECTED)
                    .map(e -> e.stack() + " (" + e.detail() + ")").collect(Collectors.joining("; ")));
        }
        excluded.sort(java.util.Comparator.comparing(Exclusion::stack));
        QuiescePlan finalPlan = new QuiescePlan(kept, excluded, plan.problems(), plan.notes());

        BackupPath path = BackupPath.SNAPSHOT;
        for (DataPath p : paths) {
            Reading reading = reading(p.source());
            if (reading.provider() == null) {
                path = BackupPath.STOP_FALLBACK;
                notes.add(reading.declined());
            }
        }
        return new Prepared(selected, finalPlan, paths, path, maxQuiesce(kept, byName, notes), notes);
    }

    /** How one data path would be backed up now: its snapshot provider, or why it falls back to stop mode. */
    public record PathReport(String stack, String source, String provider, String fallback) {}

    /** For {@code doctor}: every data path of the running, unprotected stacks and how a backup would read it. */
    public List<PathReport> pathReport() {
        List<Stack> all = inventory.stacks();
        QuiescePlan plan = QuiescePlanner.plan(all.stream().map(Stack::name).toList(), all);
        Map<StackName, Stack> byName = all.stream().collect(Collectors.toMap(Stack::name, s -> s));
        List<PathReport> result = new ArrayList<>();
        Set<Path> seen = new java.util.HashSet<>();
        for (QuiesceTarget target : plan.quiesceOrder()) {
            for (DataPath p : dataPaths(byName.get(target.stack()), target, new ArrayList<>(), seen)) {
                Reading reading = reading(p.source());
                result.add(new PathReport(p.stack().value(), p.source().toString(), reading.provider(),
                        reading.provider() != null ? null : "stop-mode fallback (" + reading.declined()
                                + "): the stack stays stopped while it uploads"));
            }
        }
        return result;
    }

    /** The provider that would snapshot a data path now, or (provider null) why none can. */
    private record Reading(String provider, String declined) {}

    private Reading reading(Path source) {
        try {
            return new Reading(parts.snapshots().choose(source).name(), null);
        } catch (SnapshotException e) {
            return new Reading(null, e.getMessage());
        }
    }

    /** The writable directories and single files the target's containers mount, each once per job. */
    private List<DataPath> dataPaths(Stack stack, QuiesceTarget target, List<String> notes, Set<Path> seen) {
        Map<String, ContainerInfo> byName = stack.containers().stream()
                .collect(Collectors.toMap(ContainerInfo::name, c -> c, (a, b) -> a));
        List<DataPath> result = new ArrayList<>();
        for (String container : target.containers()) {
            ContainerInfo info = byName.get(container);
            for (DataMount m : engine.dataMounts(info == null ? container : info.id())) {
                if (m.readOnly()) {
                    continue;
                }
                if (!Files.isDirectory(m.source()) && !Files.isRegularFile(m.source())) {
                    notes.add(target.stack() + ": " + container + " mounts " + m.source() + " at " + m.destination()
                            + ", which is neither a directory nor a regular file on this host: not backed up");
                    continue;
                }
                Path real;
                try {
                    real = m.source().toRealPath();
                } catch (IOException e) {
                    notes.add(target.stack() + ": " + m.source() + " cannot be resolved (" + e.getMessage()
                            + "): not backed up");
                    continue;
                }
                if (seen.add(real)) {
                    result.add(new DataPath(target.stack(), container, real, m.destination(), m.name(),
                            Files.isRegularFile(real)));
                }
            }
        }
        return result;
    }

    /** The job's bound: the configured one, lowered by any stack's {@code lifeline.max-quiesce} label. */
    private Duration maxQuiesce(List<QuiesceTarget> targets, Map<StackName, Stack> byName, List<String> notes) {
        Duration bound = config.maxQuiesce();
        for (QuiesceTarget t : targets) {
            for (ContainerInfo c : byName.get(t.stack()).containers()) {
                String value = c.labels().get(MAX_QUIESCE_LABEL);
                if (value == null || value.isBlank()) {
                    continue;
                }
                try {
                    Duration d = Durations.parse(MAX_QUIESCE_LABEL, value.trim());
                    if (d.isZero()) {
                        throw new IllegalArgumentException("zero");
                    }
                    if (d.compareTo(bound) < 0) {
                        bound = d;
                    }
                } catch (RuntimeException e) {
                    notes.add("label problem: " + c.name() + " " + MAX_QUIESCE_LABEL + "='" + value
                            + "' is not a positive duration (e.g. 30s, 2m): ignored");
                }
            }
        }
        return bound;
    }

    private FileLock lockHost() {
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new BackupBusyException(null, "another process holds the backup lock " + lockFile
                        + ": one backup job at a time per host");
            }
            return lock;
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the backup lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    private static void release(FileLock lock) {
        try {
            lock.channel().close();
        } catch (IOException e) {
            log.warn("event=backup_lock_release_failed error=\"{}\"", e.getMessage());
        }
    }

    private void save(JobView view) {
        List<StackName> stacks = view.stacks().stream().map(s -> StackName.of(s.stack())).toList();
        try {
            ledger.saveJob(new JobRecord(view.job(), view.createdAt(), JobPhase.fromWire(view.phase()), stacks,
                    Optional.ofNullable(view.finishedAt()), json.writeValueAsString(view)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode job " + view.job() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // The job goes on (the marker, not this record, is what crash safety rests on); say so.
            log.error("event=backup_record_failed job={} error=\"{}\"", view.job(), e.getMessage());
        }
    }

    // ---- reading --------------------------------------------------------------------------------------------------

    public boolean running() {
        return current != null;
    }

    /** The job's record; without an id the running job, else the newest one. */
    public Optional<JobView> status(Optional<String> jobId) {
        BackupRunner running = current;
        if (running != null && (jobId.isEmpty() || jobId.get().equals(running.jobId()))) {
            return Optional.of(running.view());
        }
        Optional<JobRecord> record = jobId.isPresent() ? ledger.job(jobId.get())
                : ledger.jobs(Optional.empty(), 1).stream().findFirst();
        return record.map(this::read);
    }

    public List<JobView> jobs(Optional<StackName> stack, int limit) {
        return ledger.jobs(stack, limit).stream().map(this::read).toList();
    }

    private JobView read(JobRecord record) {
        try {
            return json.readValue(record.document(), JobView.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the record of job " + record.id() + " is unreadable: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** The running job, when it has the stack quiesced (or is quiescing or resuming it). */
    public Optional<String> holder(StackName stack) {
        BackupRunner running = current;
        if (running == null) {
            return Optional.empty();
        }
        return running.holds(stack) ? Optional.of("backup job " + running.jobId()) : Optional.empty();
    }

    // ---- schedule -----------------------------------------------------------------------------------------------

    /** A stack's schedule and whether a backup of it is due now. */
    public record DueStack(String stack, String schedule, boolean due, Instant lastSuccess, Instant lastFailure,
            Instant nextRun, String problem) {}

    /** Every unprotected stack: its schedule, whether it is due, its last success and failure. */
    public List<DueStack> due() {
        return due(true);
    }

    /** @param unscheduled also the stacks without a schedule (the API shows them; the scheduler needs only the rest) */
    private List<DueStack> due(boolean unscheduled) {
        ZonedDateTime now = ZonedDateTime.ofInstant(parts.clock().instant(), ZoneId.systemDefault());
        List<DueStack> result = new ArrayList<>();
        for (Stack stack : inventory.stackStates()) {
            if (stack.isProtected()) {
                continue;
            }
            String problem = null;
            Optional<CronSchedule> schedule = config.schedule();
            Optional<String> label = stack.containers().stream().map(c -> c.labels().get(SCHEDULE_LABEL))
                    .filter(v -> v != null && !v.isBlank()).findFirst();
            if (label.isPresent()) {
                try {
                    schedule = Optional.of(CronSchedule.parse(label.get()));
                } catch (IllegalArgumentException e) {
                    problem = SCHEDULE_LABEL + "='" + label.get() + "' is not a cron expression (" + e.getMessage()
                            + "); the host schedule applies";
                }
            }
            if (schedule.isEmpty() && !unscheduled) {
                continue;
            }
            Optional<Instant> success = Optional.empty();
            Optional<Instant> failure = Optional.empty();
            for (JobRecord r : ledger.jobs(Optional.of(stack.name()), 50)) {
                Instant at = r.finishedAt().orElse(r.createdAt());
                if (r.phase() == JobPhase.DONE && success.isEmpty()) {
                    success = Optional.of(at);
                } else if (r.phase() == JobPhase.FAILED && failure.isEmpty()) {
                    failure = Optional.of(at);
                }
            }
            boolean due = schedule.isPresent() && stack.anyUp() && BackupDue.isDue(success, failure, schedule.get(),
                    config.dueWindow(), config.retryDelay(), now);
            Instant next = schedule.map(s -> s.next(now).toInstant()).orElse(null);
            result.add(new DueStack(stack.name().value(), schedule.map(CronSchedule::expression).orElse(null), due,
                    success.orElse(null), failure.orElse(null), next, problem));
        }
        result.sort(java.util.Comparator.comparing(DueStack::stack));
        return result;
    }

    /** Starts the scheduler: every {@code every}, one job over the stacks that are due (none without schedules). */
    public void startScheduler(Duration every) {
        scheduler = Thread.ofPlatform().daemon().name("backup-schedule").start(() -> {
            while (!closing) {
                try {
                    Thread.sleep(every);
                    List<StackName> due = due(false).stream().filter(DueStack::due).map(d -> StackName.of(d.stack()))
                            .toList();
                    if (!due.isEmpty() && current == null && ready.getAsBoolean()) {
                        start(due, "schedule");
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("event=backup_schedule_failed error=\"{}\"", BackupRunner.message(e));
                }
            }
        });
    }

    // ---- crash and shutdown -------------------------------------------------------------------------------------

    /**
     * Before boot recovery: undoes what a job the agent died in left quiesced (thaws paused containers and runs the
     * post-hooks of hook stacks; stopped ones are started by recovery, which the open marker tells to), deletes its
     * snapshots, and records the job failed. The quiesce marker itself is cleared by recovery once the stacks run.
     */
    public void finishAfterCrash() {
        for (Marker marker : parts.journal().openMarkers()) {
            if (marker.kind() != MarkerKind.QUIESCE) {
                continue;
            }
            log.warn("event=backup_marker_found job={} stacks={} deadline={}", marker.id(), marker.stacks(),
                    marker.deadline());
            for (Map.Entry<StackName, QuiescedStack> e : marker.quiesced().entrySet()) {
                thaw(e.getKey(), e.getValue());
            }
        }
        for (JobRecord record : ledger.unfinishedJobs()) {
            JobView view = read(record);
            for (JobView.DataPathView p : view.dataPaths()) {
                try {
                    parts.snapshots().leftovers(Path.of(p.source()), record.id()).forEach(parts.snapshots()::delete);
                } catch (RuntimeException e) {
                    log.warn("event=snapshot_leftover_cleanup_failed job={} source={} error=\"{}\"", record.id(),
                            p.source(), BackupRunner.message(e));
                }
            }
            JobView failed = view.failedAfterCrash(parts.clock().instant(), "the agent stopped (crash or kill) while"
                    + " the job was " + view.phase() + "; the stacks it had quiesced were brought back at the next"
                    + " start");
            save(failed);
            log.warn("event=backup_failed_by_crash job={} phase={}", record.id(), view.phase());
        }
    }

    private void thaw(StackName stack, QuiescedStack q) {
        for (String container : q.containers()) {
            try {
                Optional<ContainerInfo> info = engine.inspect(container);
                if (info.isPresent() && info.get().status() == ContainerStatus.PAUSED) {
                    engine.unpause(info.get().id());
                    log.info("event=container_thawed stack={} container={}", stack, container);
                }
            } catch (EngineException e) {
                log.warn("event=thaw_failed stack={} container={} error=\"{}\"", stack, container, e.getMessage());
            }
        }
        if (q.mode() == dev.lifeline.core.policy.QuiesceMode.HOOK || q.mode() == dev.lifeline.core.policy.QuiesceMode.PAUSE) {
            for (Hook hook : q.postHooks()) {
                try {
                    parts.quiescer().run(stack, hook, "post");
                } catch (RuntimeException e) {
                    log.warn("event=post_hook_after_crash_failed stack={} container={} error=\"{}\"", stack,
                            hook.container(), BackupRunner.message(e));
                }
            }
        }
    }

    /** SIGTERM: the running job resumes its stacks and ends failed; waits for that, at most {@code wait}. */
    public void shutdown(Duration wait) {
        closing = true;
        if (scheduler != null) {
            scheduler.interrupt();
        }
        BackupRunner running = current;
        Thread thread = currentThread;
        if (running != null) {
            log.info("event=backup_shutdown job={}", running.jobId());
            running.shutdown();
            if (thread != null) {
                try {
                    thread.join(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(30));
    }

}
