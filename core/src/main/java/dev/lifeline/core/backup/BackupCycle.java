package dev.lifeline.core.backup;

import dev.lifeline.core.backup.JobEvent.AgentShutdown;
import dev.lifeline.core.backup.JobEvent.Cancel;
import dev.lifeline.core.backup.JobEvent.MarkerWriteFailed;
import dev.lifeline.core.backup.JobEvent.MarkerWritten;
import dev.lifeline.core.backup.JobEvent.QuiesceFailed;
import dev.lifeline.core.backup.JobEvent.RepositoryReady;
import dev.lifeline.core.backup.JobEvent.RepositoryUnavailable;
import dev.lifeline.core.backup.JobEvent.ResumeFailed;
import dev.lifeline.core.backup.JobEvent.SnapshotFailed;
import dev.lifeline.core.backup.JobEvent.SnapshotsTaken;
import dev.lifeline.core.backup.JobEvent.StackQuiesced;
import dev.lifeline.core.backup.JobEvent.StackResumed;
import dev.lifeline.core.backup.JobEvent.Start;
import dev.lifeline.core.backup.JobEvent.Tick;
import dev.lifeline.core.backup.JobEvent.UploadFailed;
import dev.lifeline.core.backup.JobEvent.UploadFinished;
import dev.lifeline.core.backup.JobState.Marker;
import dev.lifeline.core.backup.JobState.Progress;
import dev.lifeline.core.backup.StackDetail.Status;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.QuiesceMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The backup cycle of one job as a pure state machine: {@code next(state, event, now)} gives the next state and the
 * actions to run. No I/O, no clock: time is the {@code now} argument.
 *
 * <p>The happy path (snapshot): Start → PrepareRepository; RepositoryReady → WriteMarker; MarkerWritten → Quiesce of
 * the first stack (phase quiescing); each StackQuiesced → Quiesce of the next, one stack at a time in plan order;
 * after the last → TakeSnapshots; SnapshotsTaken → Resume of every quiesced stack in resume order (phase
 * snapshotted); once every resume has ended → Upload (phase uploading); UploadFinished with every stack resumed →
 * DeleteSnapshots, ApplyRetention, ClearMarker, RecordResult (done). In the stop-mode fallback pause and hook stacks
 * are stopped instead, there are no snapshots: after the last quiesce → Upload (phase uploading); UploadFinished →
 * Resume of every stack; once all ended → ApplyRetention, ClearMarker, RecordResult.
 *
 * <p>Invariants (checked by a deterministic simulation in the tests):
 * <ol>
 *   <li>No Quiesce before MarkerWritten, and no WriteMarker before RepositoryReady. When the repository cannot be
 *       used or the marker cannot be written no stack is touched and the job fails with the reason.</li>
 *   <li>At most one Quiesce is in flight; each stack is quiesced at most once, in plan order.</li>
 *   <li>A Resume is issued only for a stack this job issued a Quiesce for, at most once per stack. A stack whose
 *       quiesce failed (or whose quiesce is still in flight when the job aborts) is resumed too: it may be partly
 *       down, and resuming is safe when the quiesce did nothing.</li>
 *   <li>Every failure, cancel and shutdown path resumes every stack still quiesced, at once, in resume order; the job
 *       then waits for the outcomes of what is in flight (marker write, snapshots, upload, resumes) and ends failed.
 *       The first failure is the job's reason; later ones become notes.</li>
 *   <li>No Quiesce is issued at or after the deadline (RepositoryReady + maxQuiesce: opening the repository
 *       costs no downtime, so it does not count): the job fails instead. Any event at or
 *       after the deadline resumes every stack still quiesced. If the data had
 *       not been read yet (snapshots not taken; in the fallback, upload not started) the job fails; otherwise (the
 *       fallback upload is running) the upload goes on and a note says the rest of it read live data. With a Tick at
 *       least every {@code t}, no stack stays quiesced longer than the deadline plus {@code t}.</li>
 *   <li>ClearMarker only once every stack this job quiesced has a resume outcome (resumed or failed and recorded).</li>
 *   <li>A failure after snapshotted (upload, a resume) leaves the apps up and ends the job failed.</li>
 *   <li>With snapshots, Upload only once every Resume has an outcome (the upload would compete with the apps'
 *       starts); a failed resume still lets the snapshots be uploaded, a cancel or a shutdown does not.</li>
 *   <li>DeleteSnapshots once the snapshots were attempted, on success and failure; ApplyRetention only when the job
 *       ends done (upload finished, nothing failed); RecordResult is the last action of every job, exactly once.</li>
 *   <li>Done and failed are terminal: every event there is ignored (same state, no action).</li>
 * </ol>
 * Events that do not fit the state (a duplicate, an outcome of an action never issued) are ignored.
 */
public final class BackupCycle {

    private BackupCycle() {}

    /** The next state and the actions to run, in order. */
    public record Step(JobState next, List<JobAction> actions) {
        public Step {
            actions = List.copyOf(actions);
        }
    }

    /**
     * A pending job over the plan's stacks. In the fallback, pause and hook stacks are stopped instead (they would
     * stay frozen or live for the whole upload); none stays none.
     */
    public static JobState create(String jobId, QuiescePlan plan, BackupPath path, Duration maxQuiesce) {
        if (jobId == null || jobId.isBlank()) {
            throw new IllegalArgumentException("a backup job needs an id");
        }
        if (maxQuiesce == null || maxQuiesce.isNegative() || maxQuiesce.isZero()) {
            throw new IllegalArgumentException("backup.max-quiesce must be > 0s, got " + maxQuiesce);
        }
        List<StackDetail> stacks = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (QuiesceTarget target : plan.quiesceOrder()) {
            QuiesceMode mode = target.mode();
            if (path == BackupPath.STOP_FALLBACK && (mode == QuiesceMode.PAUSE || mode == QuiesceMode.HOOK)) {
                notes.add(target.stack() + ": no snapshot-capable filesystem, so quiesced with stop instead of "
                        + mode.labelValue() + " and backed up while stopped");
                mode = QuiesceMode.STOP;
            }
            stacks.add(StackDetail.planned(target, mode));
        }
        if (path == BackupPath.STOP_FALLBACK) {
            notes.add("stop-mode fallback: the data paths are not on a snapshot-capable filesystem;"
                    + " stacks stay quiesced during the upload");
        }
        return new JobState(jobId, JobPhase.PENDING, path, stacks, maxQuiesce, Optional.empty(), Map.of(),
                Marker.NOT_WRITTEN, Progress.NOT_STARTED, Progress.NOT_STARTED, Optional.empty(), Optional.empty(),
                false, notes);
    }

    public static Step next(JobState state, JobEvent event, Instant now) {
        if (state.phase().isTerminal()) {
            return new Step(state, List.of());
        }
        Run run = new Run(state, now);
        run.apply(event);
        run.enforceDeadline();
        run.advance();
        return run.step();
    }

    /** The working copy of one step. */
    private static final class Run {
        private final Instant now;
        private final String jobId;
        private JobPhase phase;
        private final BackupPath path;
        private final LinkedHashMap<StackName, StackDetail> stacks = new LinkedHashMap<>();
        private final Duration maxQuiesce;
        private Optional<Instant> deadline;
        private final EnumMap<JobPhase, Instant> phaseTimes = new EnumMap<>(JobPhase.class);
        private Marker marker;
        private Progress snapshots;
        private Progress upload;
        private Optional<String> uploadSummary;
        private Optional<String> failure;
        private boolean abandoned;
        private final List<String> notes;
        private final List<JobAction> actions = new ArrayList<>();
        private JobState finalState;

        Run(JobState s, Instant now) {
            this.now = now;
            jobId = s.jobId();
            phase = s.phase();
            path = s.path();
            s.stacks().forEach(d -> stacks.put(d.stack(), d));
            maxQuiesce = s.maxQuiesce();
            deadline = s.deadline();
            phaseTimes.putAll(s.phaseTimes());
            marker = s.marker();
            snapshots = s.snapshots();
            upload = s.upload();
            uploadSummary = s.uploadSummary();
            failure = s.failure();
            abandoned = s.abandoned();
            notes = new ArrayList<>(s.notes());
        }

        void apply(JobEvent event) {
            switch (event) {
                case Start ignored -> {
                    if (marker == Marker.NOT_WRITTEN && failure.isEmpty()) {
                        phaseTimes.putIfAbsent(JobPhase.PENDING, now);
                        marker = Marker.PREPARING;
                        actions.add(new JobAction.PrepareRepository(jobId, modes()));
                    }
                }
                case RepositoryReady ignored -> {
                    if (marker != Marker.PREPARING) {
                        return;
                    }
                    if (failure.isPresent()) {
                        marker = Marker.NOT_WRITTEN; // cancelled meanwhile
                    } else {
                        deadline = Optional.of(now.plus(maxQuiesce));
                        marker = Marker.WRITING;
                        actions.add(new JobAction.WriteMarker(jobId, List.copyOf(stacks.keySet()), modes(),
                                deadline.get()));
                    }
                }
                case MarkerWritten ignored -> {
                    if (marker == Marker.WRITING) {
                        marker = Marker.WRITTEN;
                        if (failure.isEmpty()) {
                            enter(JobPhase.QUIESCING);
                        }
                    }
                }
                case MarkerWriteFailed failed -> {
                    if (marker == Marker.WRITING) {
                        marker = Marker.WRITE_FAILED;
                        fail("could not write the quiesce marker (" + failed.reason() + "); no stack was touched");
                    }
                }
                case RepositoryUnavailable unavailable -> {
                    if (marker == Marker.PREPARING) {
                        marker = Marker.NOT_WRITTEN;
                        fail("the backup repository cannot be used (" + unavailable.reason()
                                + "); no stack was touched");
                    }
                }
                case StackQuiesced quiesced -> update(quiesced.stack(), d -> d.status() == Status.PLANNED ? d
                        : d.quiesced(now));
                case QuiesceFailed failed -> {
                    StackDetail detail = stacks.get(failed.stack());
                    if (detail != null && detail.status() != Status.PLANNED) {
                        boolean current = detail.status() == Status.QUIESCING;
                        stacks.put(failed.stack(), detail.quiesceFailed(failed.reason()));
                        if (current) {
                            fail("quiesce of " + failed.stack() + " failed: " + failed.reason());
                        }
                    }
                }
                case SnapshotsTaken ignored -> {
                    if (snapshots == Progress.IN_FLIGHT) {
                        snapshots = Progress.SUCCEEDED;
                        if (failure.isEmpty()) {
                            enter(JobPhase.SNAPSHOTTED);
                        }
                    }
                }
                case SnapshotFailed failed -> {
                    if (snapshots == Progress.IN_FLIGHT) {
                        snapshots = Progress.FAILED;
                        fail("snapshots failed: " + failed.reason());
                    }
                }
                case StackResumed resumed -> update(resumed.stack(), d -> d.status() == Status.RESUMING
                        ? d.resumed(now) : d);
                case ResumeFailed failed -> {
                    StackDetail detail = stacks.get(failed.stack());
                    if (detail != null && detail.status() == Status.RESUMING) {
                        stacks.put(failed.stack(), detail.resumeFailed(now, failed.reason()));
                        fail("resume of " + failed.stack() + " failed: " + failed.reason());
                    }
                }
                case UploadFinished finished -> {
                    if (upload == Progress.IN_FLIGHT) {
                        upload = Progress.SUCCEEDED;
                        uploadSummary = Optional.of(finished.summary());
                    }
                }
                case UploadFailed failed -> {
                    if (upload == Progress.IN_FLIGHT) {
                        upload = Progress.FAILED;
                        fail("upload failed: " + failed.reason());
                    }
                }
                case Tick ignored -> {
                    // the deadline is enforced after every event
                }
                case Cancel cancel -> {
                    abandoned = true;
                    fail("cancelled: " + cancel.reason());
                }
                case AgentShutdown ignored -> {
                    abandoned = true;
                    fail("the agent is shutting down");
                }
            }
        }

        void enforceDeadline() {
            if (deadline.isEmpty() || now.isBefore(deadline.get())) {
                return;
            }
            List<StackName> quiesced = quiescedNow();
            if (quiesced.isEmpty()) {
                return;
            }
            boolean dataRead = path == BackupPath.SNAPSHOT ? snapshots == Progress.SUCCEEDED
                    : upload != Progress.NOT_STARTED;
            if (dataRead || failure.isPresent()) {
                notes.add("max-quiesce deadline " + deadline.get() + " reached: resumed " + quiesced
                        + (upload == Progress.IN_FLIGHT ? "; the upload goes on and reads live data from now" : ""));
                resumeAllQuiesced();
            } else {
                fail("max-quiesce deadline " + deadline.get() + " (" + maxQuiesce + ") reached before "
                        + (path == BackupPath.SNAPSHOT ? "the snapshots were taken" : "the upload began"));
            }
        }

        /** Issues what the state calls for next, or ends the job. */
        void advance() {
            if (failure.isPresent()) {
                resumeAllQuiesced();
                if (phase == JobPhase.SNAPSHOTTED && !abandoned && upload == Progress.NOT_STARTED && allSettled()) {
                    // only a resume failed since the snapshots: they are consistent, and storing them is the job
                    startUpload();
                }
                if (!outstanding()) {
                    finish();
                }
                return;
            }
            if (marker != Marker.WRITTEN) {
                return; // not started, or waiting for the write
            }
            if (stacks.values().stream().anyMatch(d -> d.status() == Status.QUIESCING)) {
                return;
            }
            Optional<StackDetail> planned = stacks.values().stream().filter(d -> d.status() == Status.PLANNED)
                    .findFirst();
            if (planned.isPresent() && snapshots == Progress.NOT_STARTED && upload == Progress.NOT_STARTED) {
                if (!now.isBefore(deadline.orElseThrow())) {
                    fail("max-quiesce deadline " + deadline.get() + " (" + maxQuiesce + ") reached before "
                            + planned.get().stack() + " was quiesced");
                    advance();
                    return;
                }
                StackDetail d = planned.get();
                stacks.put(d.stack(), d.quiesceStarted(now));
                actions.add(new JobAction.Quiesce(d.stack(), d.mode(), d.target().containers(),
                        d.target().preHooks()));
                return;
            }
            if (path == BackupPath.SNAPSHOT) {
                switch (snapshots) {
                    case NOT_STARTED -> {
                        snapshots = Progress.IN_FLIGHT;
                        actions.add(new JobAction.TakeSnapshots(List.copyOf(stacks.keySet())));
                        return;
                    }
                    case IN_FLIGHT -> {
                        return;
                    }
                    default -> {
                        // taken: resume at once, upload from the snapshots
                    }
                }
                resumeAllQuiesced();
                if (!allSettled()) {
                    // The upload waits for the resumes: reading the snapshots at full speed beside the apps' starts
                    // would take the disk and the CPUs from them and lengthen the downtime it exists to shorten.
                    return;
                }
                switch (upload) {
                    case NOT_STARTED -> {
                        enter(JobPhase.UPLOADING);
                        startUpload();
                    }
                    case IN_FLIGHT -> {
                        // uploading
                    }
                    default -> finish();
                }
            } else {
                switch (upload) {
                    case NOT_STARTED -> {
                        enter(JobPhase.UPLOADING);
                        startUpload();
                    }
                    case IN_FLIGHT -> {
                        // stacks stay quiesced until the upload ends (or the deadline)
                    }
                    default -> {
                        resumeAllQuiesced();
                        if (allSettled()) {
                            finish();
                        }
                    }
                }
            }
        }

        private void finish() {
            boolean success = failure.isEmpty() && upload == Progress.SUCCEEDED;
            if (snapshots != Progress.NOT_STARTED) {
                actions.add(new JobAction.DeleteSnapshots(List.copyOf(stacks.keySet())));
            }
            if (success) {
                actions.add(new JobAction.ApplyRetention());
            }
            if (marker == Marker.WRITTEN) {
                marker = Marker.CLEARED;
                actions.add(new JobAction.ClearMarker(jobId));
            }
            if (!success && failure.isEmpty()) {
                failure = Optional.of("the job ended without a finished upload");
            }
            enter(success ? JobPhase.DONE : JobPhase.FAILED);
            finalState = state();
            actions.add(new JobAction.RecordResult(finalState));
        }

        private void startUpload() {
            upload = Progress.IN_FLIGHT;
            actions.add(new JobAction.Upload(List.copyOf(stacks.keySet()), path));
        }

        /** Each stack's mode in this job (the fallback's, where it differs from the plan's). */
        private Map<StackName, QuiesceMode> modes() {
            Map<StackName, QuiesceMode> modes = new LinkedHashMap<>();
            stacks.values().forEach(d -> modes.put(d.stack(), d.mode()));
            return modes;
        }

        private boolean outstanding() {
            return marker == Marker.PREPARING || marker == Marker.WRITING || snapshots == Progress.IN_FLIGHT
                    || upload == Progress.IN_FLIGHT || !allSettled();
        }

        private boolean allSettled() {
            return stacks.values().stream().allMatch(d -> d.status().settled());
        }

        private List<StackName> quiescedNow() {
            return stacks.values().stream().filter(d -> d.status().needsResume()).map(StackDetail::stack).toList();
        }

        /** A Resume for every stack with a Quiesce and no Resume yet, dependencies first. */
        private void resumeAllQuiesced() {
            for (StackDetail d : List.copyOf(stacks.values()).reversed()) {
                if (d.status().needsResume()) {
                    stacks.put(d.stack(), d.resumeStarted(now));
                    actions.add(new JobAction.Resume(d.stack(), d.mode(), d.target().containers(),
                            d.target().postHooks()));
                }
            }
        }

        private void fail(String reason) {
            if (failure.isEmpty()) {
                failure = Optional.of(reason);
            } else {
                notes.add("also: " + reason);
            }
        }

        private void enter(JobPhase next) {
            if (phase != next) {
                phase = next;
                phaseTimes.putIfAbsent(next, now);
            }
        }

        private void update(StackName name, UnaryOperator<StackDetail> change) {
            StackDetail detail = stacks.get(name);
            if (detail != null) {
                stacks.put(name, change.apply(detail));
            }
        }

        private JobState state() {
            return new JobState(jobId, phase, path, List.copyOf(stacks.values()), maxQuiesce, deadline, phaseTimes,
                    marker, snapshots, upload, uploadSummary, failure, abandoned, notes);
        }

        Step step() {
            return new Step(finalState != null ? finalState : state(), actions);
        }
    }
}
