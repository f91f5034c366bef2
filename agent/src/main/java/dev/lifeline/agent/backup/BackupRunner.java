package dev.lifeline.agent.backup;

import dev.lifeline.core.backup.BackupCycle;
import dev.lifeline.core.backup.BackupPath;
import dev.lifeline.core.backup.JobAction;
import dev.lifeline.core.backup.JobEvent;
import dev.lifeline.core.backup.JobState;
import dev.lifeline.core.backup.QuiescePlan;
import dev.lifeline.core.backup.QuiesceTarget;
import dev.lifeline.core.fault.CrashPoint;
import dev.lifeline.core.fault.CrashPoints;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.journal.Journal;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.MarkerKind;
import dev.lifeline.core.journal.QuiescedStack;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.QuiesceMode;
import dev.lifeline.core.repository.BackupRepository;
import dev.lifeline.core.repository.BackupSummary;
import dev.lifeline.core.snapshot.DataFlush;
import dev.lifeline.core.snapshot.Snapshot;
import dev.lifeline.core.snapshot.SnapshotProviders;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one backup job: feeds events to the pure {@link BackupCycle} and performs the actions it returns. Quiesce and
 * resume of one stack run one after the other on a worker; snapshots and the upload on their own; the cycle itself
 * only ever runs on the job's thread, which also ticks a few times a second while a stack is quiesced, so the
 * max-quiesce bound holds however long a step takes.
 */
public final class BackupRunner {
    private static final Logger log = LoggerFactory.getLogger(BackupRunner.class);
    private static final long TICK_MS = 200;

    /** What the runner needs from the agent. */
    public record Parts(Journal journal, Quiescer quiescer, SnapshotProviders snapshots, BackupRepository repository,
            CrashPoints crash, InstantSource clock, String host, Retention retention, DataFlush flush) {}

    /** Applies retention after a successful job (and prunes now and then); failures are notes, not job failures. */
    public interface Retention {
        List<String> apply(List<DataPath> uploaded);
    }

    private final Parts parts;
    private final String origin;
    private final List<StackName> requested;
    private final Instant createdAt;
    private final QuiescePlan plan;
    private final List<DataPath> paths;
    private final Consumer<JobView> publish;
    private final LinkedBlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
    private final Map<StackName, CompletableFuture<Void>> stackChains = new ConcurrentHashMap<>();
    private final Map<java.nio.file.Path, Snapshot> taken = new ConcurrentHashMap<>();
    /**
     * Stacks as read while they still ran (before the marker), and as their stop-mode quiesce left them: the quiesce
     * and the resume act on these instead of reading the stacks again inside the downtime.
     */
    private final Map<StackName, Prepared> prepared = new ConcurrentHashMap<>();
    private final Map<StackName, Stack> stoppedByQuiesce = new ConcurrentHashMap<>();
    private final List<JobView.Upload> uploads = Collections.synchronizedList(new ArrayList<>());
    private final List<JobView.PrepareHook> prepareHooks = Collections.synchronizedList(new ArrayList<>());
    private final List<JobView.Flush> flushes = Collections.synchronizedList(new ArrayList<>());
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().daemon().name("backup-worker-", 0).factory());
    private final AtomicBoolean firstQuiesce = new AtomicBoolean(true);
    private final AtomicBoolean firstResume = new AtomicBoolean(true);
    private volatile JobState state;
    /** The state the cycle just decided, which the actions being performed belong to (visible or not yet). */
    private JobState decided;
    private volatile JobView.Progress progress;
    /** The threads uploading now (one per {@link UploadLanes lane}), interrupted to end their restic. */
    private final Set<Thread> uploadThreads = ConcurrentHashMap.newKeySet();
    /**
     * Set when the job is cancelled or the agent goes down: no prepare hook or flush runs any more, and no upload
     * lane starts another path.
     */
    private volatile boolean abandoned;
    private final AtomicBoolean firstUpload = new AtomicBoolean(true);
    /** The data paths small enough for the upload's side lane ({@link UploadLanes}), found before the marker. */
    private final Set<java.nio.file.Path> smallSources = ConcurrentHashMap.newKeySet();
    private volatile Instant finishedAt;
    /** Whether {@link #deleteSnapshots} ran (only on the job's thread, like {@link #dropUntaken}). */
    private boolean leftoversSwept;

    BackupRunner(Parts parts, String jobId, String origin, List<StackName> requested, QuiescePlan plan,
            List<DataPath> paths, BackupPath path, Duration maxQuiesce, List<String> planNotes,
            Consumer<JobView> publish) {
        this.parts = parts;
        this.origin = origin;
        this.requested = List.copyOf(requested);
        this.createdAt = parts.clock().instant();
        this.plan = plan;
        this.paths = List.copyOf(paths);
        this.publish = publish;
        this.notes.addAll(planNotes);
        this.state = BackupCycle.create(jobId, plan, path, maxQuiesce);
    }

    String jobId() {
        return state.jobId();
    }

    /** Whether the job has the stack quiesced, or is quiescing or resuming it: it will undo that itself. */
    boolean holds(StackName stack) {
        return state.stack(stack).map(d -> d.status().needsResume()
                || d.status() == dev.lifeline.core.backup.StackDetail.Status.RESUMING).orElse(false);
    }

    JobView view() {
        return JobView.of(state, origin, requested, createdAt, plan.excluded(), paths, List.copyOf(prepareHooks),
                List.copyOf(flushes), progress, List.copyOf(uploads), List.copyOf(notes), finishedAt);
    }

    /** Runs the job to its end on the calling thread. */
    void run() {
        publish.accept(view());
        events.add(new JobEvent.Start());
        try {
            while (!state.phase().isTerminal()) {
                // Ticks enforce the max-quiesce deadline, which only a quiesced stack has: with every stack serving
                // (before the marker, through an upload after the resume) the job's thread wakes on events alone
                JobEvent event = state.stillQuiesced().isEmpty() ? events.take()
                        : events.poll(TICK_MS, TimeUnit.MILLISECONDS);
                step(event == null ? new JobEvent.Tick() : event);
            }
        } catch (InterruptedException e) {
            // The agent is going down hard: the marker stays, and the next start finishes the job.
            Thread.currentThread().interrupt();
            log.warn("event=backup_interrupted job={} phase={}", jobId(), state.phase().wireName());
        } finally {
            workers.shutdownNow();
        }
    }

    /** The agent is shutting down: resume everything, cancel the upload, end the job failed. */
    void shutdown() {
        events.add(new JobEvent.AgentShutdown());
        stopUpload();
    }

    void cancel(String reason) {
        events.add(new JobEvent.Cancel(reason));
        stopUpload();
    }

    private void stopUpload() {
        abandoned = true;
        uploadThreads.forEach(Thread::interrupt);
    }

    private void step(JobEvent event) {
        BackupCycle.Step step = BackupCycle.next(state, event, parts.clock().instant());
        boolean changed = !step.next().equals(state);
        // A terminal state becomes visible only with RecordResult, after the last clean-up actions: whoever sees
        // done or failed may rely on the marker being cleared and the repository being free.
        if (!step.next().phase().isTerminal()) {
            state = step.next();
        }
        decided = step.next();
        for (JobAction action : step.actions()) {
            perform(action);
        }
        if (changed && !state.phase().isTerminal()) {
            publish.accept(view());
        }
    }

    private void perform(JobAction action) {
        switch (action) {
            case JobAction.PrepareRepository p -> workers.execute(() -> prepare(p.jobId(), p.modes()));
            case JobAction.WriteMarker w -> writeMarker(w);
            case JobAction.Quiesce q -> onStack(q.stack(), () -> {
                try {
                    Stack stopped = parts.quiescer().quiesce(q.stack(), q.mode(),
                            q.containers(), q.preHooks(), preparedStack(q.stack()));
                    if (stopped != null) {
                        stoppedByQuiesce.put(q.stack(), stopped);
                    }
                    if (firstQuiesce.compareAndSet(true, false)) {
                        parts.crash().reach(CrashPoint.BACKUP_AFTER_FIRST_QUIESCE);
                    }
                    events.add(new JobEvent.StackQuiesced(q.stack()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    events.add(new JobEvent.QuiesceFailed(q.stack(), "interrupted"));
                } catch (RuntimeException e) {
                    events.add(new JobEvent.QuiesceFailed(q.stack(), message(e)));
                }
            });
            case JobAction.TakeSnapshots t -> workers.execute(() -> takeSnapshots(t.stacks()));
            case JobAction.Resume r -> onStack(r.stack(), () -> {
                try {
                    dev.lifeline.core.journal.IntentRecord intent = parts.journal().intents().get(r.stack());
                    boolean userStopped = intent != null && intent.intent() == Intent.USER_STOPPED;
                    if (userStopped) {
                        notes.add(r.stack() + " was stopped by the user during the backup: not started again");
                    }
                    parts.quiescer().resume(r.stack(), r.mode(), r.containers(), r.postHooks(), !userStopped,
                            stoppedByQuiesce.remove(r.stack()));
                    if (firstResume.compareAndSet(true, false)) {
                        parts.crash().reach(CrashPoint.BACKUP_AFTER_RESUME);
                    }
                    events.add(new JobEvent.StackResumed(r.stack()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    events.add(new JobEvent.ResumeFailed(r.stack(), "interrupted"));
                } catch (RuntimeException e) {
                    events.add(new JobEvent.ResumeFailed(r.stack(), message(e)));
                }
            });
            case JobAction.Upload u -> workers.execute(() -> upload(u.stacks(), u.path()));
            case JobAction.DeleteSnapshots d -> deleteSnapshots();
            case JobAction.ApplyRetention ignored -> notes.addAll(parts.retention().apply(uploadedPaths()));
            case JobAction.ClearMarker c -> {
                parts.crash().reach(CrashPoint.BACKUP_BEFORE_CLEAR);
                promiseUnresumed();
                parts.journal().clearMarker(c.jobId(), parts.clock().instant());
            }
            case JobAction.RecordResult r -> {
                dropUntaken();
                finishedAt = parts.clock().instant();
                state = r.result(); // after finishedAt: a reader that sees the end sees when it was
                progress = null;
                JobView view = view();
                publish.accept(view);
                log.info("event=backup_finished job={} phase={} path={} stacks={} failure=\"{}\"", view.job(),
                        view.phase(), view.path(), view.stacks().size(), view.failure() == null ? "" : view.failure());
            }
        }
    }

    /**
     * A stack whose resume failed (the engine was away, its start kept failing) is still down because of this job:
     * before the quiesce marker goes, a start promise takes its place, which the supervisor keeps honouring with
     * crash-loop backoff (and the next agent start, if it comes first). Without it the stack would look stopped by
     * someone and end up user-stopped.
     */
    private void promiseUnresumed() {
        List<StackName> failed = decided.stacks().stream()
                .filter(d -> d.status() == dev.lifeline.core.backup.StackDetail.Status.RESUME_FAILED)
                .filter(d -> d.mode() == dev.lifeline.core.policy.QuiesceMode.STOP)
                .map(dev.lifeline.core.backup.StackDetail::stack).toList();
        if (!failed.isEmpty()) {
            Instant now = parts.clock().instant();
            parts.journal().writeMarker(new Marker("resume-" + jobId(), MarkerKind.START, "backup " + jobId(), failed,
                    now, now));
            notes.add("could not start " + failed + " again; the agent keeps trying with backoff");
        }
    }

    /**
     * While every stack still runs: open (or create) the repository, so that a wrong password, a locked or an
     * unreachable repository fails the job before any downtime, and the upload never initializes a repository
     * concurrently with the resumes (an init cut short is repeated safely, but two inits of one repository at once
     * leave a config no key opens); then which data paths are small enough to upload beside the others, the
     * snapshots' records, the stacks' prepare hooks and the flush of the data's filesystems
     * ({@link PrepareWhileServing}), and last what the quiesces and resumes will need (each stack as it runs, read
     * after the flush so that it is fresh at the stop), so that the downtime holds only the stop, the snapshot
     * commands and what the apps wrote in the last moments. None of it counts against the max-quiesce bound.
     */
    private void prepare(String jobId, Map<StackName, QuiesceMode> modes) {
        try {
            parts.repository().prepareJob(jobId);
        } catch (RuntimeException e) {
            log.error("event=backup_repository_unavailable job={} error=\"{}\"", jobId, message(e));
            events.add(new JobEvent.RepositoryUnavailable(message(e)));
            return;
        }
        // which data paths are small (a snapshot holds what its source does): decided here, outside the downtime
        paths.stream().filter(p -> UploadLanes.isSmall(p.source())).forEach(p -> smallSources.add(p.source()));
        if (state.path() == BackupPath.SNAPSHOT) {
            for (DataPath p : paths) {
                try {
                    parts.snapshots().ready(p.source(), jobId, parts.clock().instant());
                } catch (RuntimeException e) {
                    // the take tries again, and a failure there is the job's
                    log.debug("event=snapshot_ready_failed job={} source={} error=\"{}\"", jobId, p.source(),
                            message(e));
                }
            }
        }
        if (!abandoned) {
            PrepareWhileServing.Outcome served = new PrepareWhileServing(parts.quiescer(), parts.flush(),
                    parts.clock()).run(plan.quiesceOrder(), paths.stream().map(DataPath::source).toList());
            prepareHooks.addAll(served.hooks());
            flushes.addAll(served.flushes());
            notes.addAll(served.notes());
        }
        for (QuiesceTarget t : plan.quiesceOrder()) {
            try {
                Stack read = parts.quiescer().prepare(t.stack(),
                        modes.getOrDefault(t.stack(), t.mode()), t.containers());
                if (read != null) {
                    prepared.put(t.stack(), new Prepared(read, parts.clock().instant()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        events.add(new JobEvent.RepositoryReady());
    }

    private void writeMarker(JobAction.WriteMarker w) {
        try {
            Map<StackName, QuiescedStack> quiesced = new LinkedHashMap<>();
            for (QuiesceTarget t : plan.quiesceOrder()) {
                quiesced.put(t.stack(), new QuiescedStack(w.modes().getOrDefault(t.stack(), t.mode()), t.containers(),
                        t.postHooks()));
            }
            parts.journal().writeMarker(new Marker(w.jobId(), MarkerKind.QUIESCE, "backup " + w.jobId(), w.stacks(),
                    parts.clock().instant(), w.deadline(), quiesced));
            parts.crash().reach(CrashPoint.BACKUP_AFTER_MARKER);
            events.add(new JobEvent.MarkerWritten());
        } catch (RuntimeException e) {
            log.error("event=backup_marker_failed job={} error=\"{}\"", w.jobId(), message(e));
            events.add(new JobEvent.MarkerWriteFailed(message(e)));
        }
    }

    /** A stack as read before the marker, and when. */
    private record Prepared(Stack stack, Instant readAt) {}

    /**
     * How long a stack read before the marker stands for it at its quiesce. The first stack is quiesced right after
     * the marker; a later one may wait for the stops before it, and after a few seconds it is read again (a container
     * recreated meanwhile has a new id).
     */
    private static final Duration PREPARED_FRESH = Duration.ofSeconds(2);

    private Stack preparedStack(StackName stack) {
        Prepared p = prepared.remove(stack);
        return p != null && Duration.between(p.readAt(), parts.clock().instant()).compareTo(PREPARED_FRESH) <= 0
                ? p.stack() : null;
    }

    /** Quiesce and resume of one stack run in the order they were issued, never at once. */
    private void onStack(StackName stack, Runnable task) {
        stackChains.compute(stack, (k, previous) -> (previous == null ? CompletableFuture.<Void>completedFuture(null)
                : previous).thenRunAsync(task, workers));
    }

    /**
     * Snapshots every data path of {@code stacks} at once: each is a few small writes and one short process, they
     * are independent, and the stacks are down meanwhile. Every take ends before the outcome is reported, so a
     * failure leaves only snapshots the job knows of (and deletes).
     */
    private void takeSnapshots(List<StackName> stacks) {
        List<DataPath> todo = paths.stream()
                .filter(p -> stacks.contains(p.stack()) && !taken.containsKey(p.source())).toList();
        List<CompletableFuture<Void>> takes = todo.stream().map(p -> CompletableFuture.runAsync(() -> {
            Snapshot s = parts.snapshots().take(p.source(), jobId(), parts.clock().instant());
            taken.put(p.source(), s);
            log.info("event=snapshot_taken job={} stack={} source={} provider={}", jobId(), p.stack(), p.source(),
                    s.provider());
        }, todo.size() == 1 ? Runnable::run : workers)).toList();
        List<String> failures = new ArrayList<>();
        for (CompletableFuture<Void> take : takes) {
            try {
                take.join();
            } catch (java.util.concurrent.CompletionException e) {
                failures.add(message(e.getCause()));
            }
        }
        if (!failures.isEmpty()) {
            events.add(new JobEvent.SnapshotFailed(String.join("; ", failures)));
            return;
        }
        try {
            parts.crash().reach(CrashPoint.BACKUP_AFTER_SNAPSHOT);
            events.add(new JobEvent.SnapshotsTaken());
        } catch (RuntimeException e) {
            events.add(new JobEvent.SnapshotFailed(message(e)));
        }
    }

    private void upload(List<StackName> stacks, BackupPath path) {
        // after an early resume the apps are starting beside the upload: restic yields the CPU to them. In the
        // stop-mode fallback the upload is the outage, and runs at full speed.
        BackupRepository repository = path == BackupPath.SNAPSHOT ? parts.repository().yieldingCpu()
                : parts.repository();
        List<DataPath> todo = paths.stream().filter(p -> stacks.contains(p.stack())).toList();
        UploadRun run = new UploadRun(repository, path, todo, parts.clock().instant());
        UploadLanes lanes = UploadLanes.of(todo, p -> smallSources.contains(p.source()));
        Future<?> side = lanes.side().isEmpty() ? null
                : workers.submit(() -> run.lane(lanes.side(), false));
        run.lane(lanes.main(), true);
        while (side != null) {
            try {
                side.get(); // the side lane ends soon after an interruption: restic is ended on it
                side = null;
            } catch (InterruptedException e) {
                run.fail("upload cancelled");
            } catch (ExecutionException e) {
                run.fail(message(e.getCause()));
                side = null;
            }
        }
        Thread.interrupted();
        String failure = run.failure.get();
        events.add(failure == null ? new JobEvent.UploadFinished(uploads.size() + " data path(s) stored")
                : new JobEvent.UploadFailed(failure));
    }

    /** One upload of the job's data paths, on its {@link UploadLanes}; the first failure ends both lanes. */
    private final class UploadRun {
        private final BackupRepository repository;
        private final BackupPath path;
        private final List<DataPath> todo;
        private final Instant began;
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<String> failure = new AtomicReference<>();

        UploadRun(BackupRepository repository, BackupPath path, List<DataPath> todo, Instant began) {
            this.repository = repository;
            this.path = path;
            this.todo = todo;
            this.began = began;
        }

        /** What restic reads for {@code p}: its snapshot, or in the stop-mode fallback the live data. */
        private java.nio.file.Path root(DataPath p) {
            return path == BackupPath.SNAPSHOT ? taken.get(p.source()).location() : p.source();
        }

        /** Uploads {@code lane} one path after the other; {@code reports}: its restic's progress is the job's. */
        void lane(List<DataPath> lane, boolean reports) {
            Thread self = Thread.currentThread();
            uploadThreads.add(self);
            try {
                for (DataPath p : lane) {
                    if (self.isInterrupted() || abandoned || failure.get() != null) {
                        throw new IllegalStateException("upload cancelled");
                    }
                    uploadOne(p, reports);
                }
            } catch (RuntimeException e) {
                fail(message(e));
            } finally {
                uploadThreads.remove(self);
                Thread.interrupted();
            }
        }

        private void uploadOne(DataPath p, boolean reports) {
            java.nio.file.Path root = root(p);
            if (!p.file() && isEmpty(root)) {
                // restic refuses to store an empty tree; there is nothing to keep, and a restore leaves it empty
                notes.add(p.stack() + ": " + p.source() + " was empty: nothing to store");
                finished.incrementAndGet();
                return;
            }
            // A file is stored by its name from its folder, so a restore brings back the file itself.
            BackupSummary summary = repository.backup(p.file() ? List.of(root) : List.of(), p.tags(jobId()),
                    p.file() ? root.getParent() : root, pr -> {
                        if (reports) {
                            progress = new JobView.Progress((finished.get() + pr.percentDone()) * 100.0
                                    / todo.size(), pr.bytesDone(), pr.totalBytes(), pr.filesDone(), pr.totalFiles(),
                                    Duration.between(began, parts.clock().instant()).toMillis() / 1000.0);
                        }
                    });
            uploads.add(new JobView.Upload(p.stack().value(), p.source().toString(), summary.snapshotId(),
                    summary.dataAdded(), summary.totalBytesProcessed(), parts.clock().instant()));
            finished.incrementAndGet();
            log.info("event=data_path_uploaded job={} stack={} source={} snapshot={} data_added={}", jobId(),
                    p.stack(), p.source(), summary.snapshotId(), summary.dataAdded());
            if (firstUpload.compareAndSet(true, false)) {
                parts.crash().reach(CrashPoint.BACKUP_DURING_UPLOAD);
            }
        }

        /** Records the first failure and ends the other lane's restic: the job fails either way. */
        void fail(String reason) {
            if (failure.compareAndSet(null, reason)) {
                Thread self = Thread.currentThread();
                uploadThreads.stream().filter(t -> t != self).forEach(Thread::interrupt);
            }
        }
    }

    private static boolean isEmpty(java.nio.file.Path dir) {
        try (java.util.stream.Stream<java.nio.file.Path> entries = java.nio.file.Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (java.io.IOException e) {
            return false; // let restic say what is wrong with it
        }
    }

    private void deleteSnapshots() {
        leftoversSwept = true;
        for (Snapshot s : List.copyOf(taken.values())) {
            try {
                parts.snapshots().delete(s);
                taken.remove(s.source());
            } catch (RuntimeException e) {
                notes.add("snapshot " + s.handle() + " could not be deleted: " + message(e)
                        + "; the next agent start tries again");
            }
        }
        for (DataPath p : paths) {
            try {
                parts.snapshots().leftovers(p.source(), jobId()).forEach(parts.snapshots()::delete);
            } catch (RuntimeException e) {
                log.warn("event=snapshot_leftover_cleanup_failed job={} source={} error=\"{}\"", jobId(), p.source(),
                        message(e));
            }
        }
    }

    /**
     * Deletes the records readied for snapshots this job never took (it ended before its snapshots, say on a failed
     * pre-hook): the cycle deletes the snapshots it took, and knows nothing of the records prepared for them.
     */
    private void dropUntaken() {
        parts.snapshots().forgetReadied(jobId());
        if (state.path() != BackupPath.SNAPSHOT || leftoversSwept) {
            return; // deleteSnapshots has swept every data path's leftovers, readied records among them
        }
        Set<String> kept = taken.values().stream().map(Snapshot::handle).collect(Collectors.toSet());
        for (DataPath p : paths) {
            try {
                parts.snapshots().leftovers(p.source(), jobId()).stream().filter(s -> !kept.contains(s.handle()))
                        .forEach(parts.snapshots()::delete);
            } catch (RuntimeException e) {
                log.warn("event=snapshot_leftover_cleanup_failed job={} source={} error=\"{}\"", jobId(), p.source(),
                        message(e));
            }
        }
    }

    private List<DataPath> uploadedPaths() {
        List<String> sources = uploads.stream().map(JobView.Upload::source).toList();
        return paths.stream().filter(p -> sources.contains(p.source().toString())).toList();
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return (m == null || m.isBlank() ? e.getClass().getSimpleName() : m).replace('\n', ' ');
    }
}
