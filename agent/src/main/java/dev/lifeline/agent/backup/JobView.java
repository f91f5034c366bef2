package dev.lifeline.agent.backup;

import dev.lifeline.core.backup.Exclusion;
import dev.lifeline.core.backup.JobPhase;
import dev.lifeline.core.backup.JobState;
import dev.lifeline.core.backup.StackDetail;
import dev.lifeline.core.model.StackName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A backup job as the API, the CLI and the journal show it: phases with their times, per stack when it was quiesced
 * and resumed (its downtime), what was uploaded, and why it failed.
 */
public record JobView(
        String job,
        String phase,
        String path,
        String origin,
        List<String> requestedStacks,
        Instant createdAt,
        Instant finishedAt,
        Map<String, Instant> phases,
        List<StackView> stacks,
        List<ExcludedView> excluded,
        List<DataPathView> dataPaths,
        List<PrepareHook> prepareHooks,
        List<Flush> flushes,
        Progress progress,
        List<Upload> uploads,
        String failure,
        List<String> notes) {

    public record StackView(String stack, String mode, String status, Instant quiesceStartedAt, Instant quiescedAt,
            Instant resumeStartedAt, Instant resumedAt, Long downtimeMs, String error) {}

    public record ExcludedView(String stack, String reason, String detail) {}

    public record DataPathView(String stack, String container, String source, String destination, String volume) {}

    /**
     * A {@code lifeline.quiesce.prepare} command run before the marker while the stack still served; {@code failure}
     * is null when it succeeded.
     */
    public record PrepareHook(String stack, String container, String program, Instant startedAt, long millis,
            String failure) {}

    /**
     * The flush of one filesystem holding data paths, right before the marker while the apps still served (see
     * {@link dev.lifeline.core.snapshot.DataFlush}); {@code failure} is null when it went well.
     */
    public record Flush(String filesystem, Instant startedAt, long millis, int passes, String failure) {}

    public record Progress(double percent, long bytesDone, long bytesTotal, long filesDone, long filesTotal,
            double secondsElapsed) {}

    /**
     * One data path stored; {@code storedAt} is when restic finished it (absent in records written before it was
     * recorded).
     */
    public record Upload(String stack, String source, String snapshotId, long dataAdded, long totalBytes,
            Instant storedAt) {}

    public boolean terminal() {
        return JobPhase.fromWire(phase).isTerminal();
    }

    /** The view of a job's current state. */
    static JobView of(JobState state, String origin, List<StackName> requested, Instant createdAt,
            List<Exclusion> excluded, List<DataPath> paths, List<PrepareHook> prepareHooks, List<Flush> flushes,
            Progress progress, List<Upload> uploads, List<String> extraNotes, Instant finishedAt) {
        Map<String, Instant> phases = new LinkedHashMap<>();
        state.phaseTimes().forEach((p, t) -> phases.put(p.wireName(), t));
        List<StackView> stacks = state.stacks().stream().map(JobView::stack).toList();
        List<String> notes = new ArrayList<>(state.notes());
        notes.addAll(extraNotes);
        return new JobView(state.jobId(), state.phase().wireName(), state.path().wireName(), origin,
                requested.stream().map(StackName::value).toList(), createdAt, finishedAt, phases, stacks,
                excluded.stream().map(e -> new ExcludedView(e.stack().value(),
                        e.reason().name().toLowerCase(Locale.ROOT), e.detail())).toList(),
                paths.stream().map(p -> new DataPathView(p.stack().value(), p.container(), p.source().toString(),
                        p.destination(), p.volume())).toList(),
                List.copyOf(prepareHooks), List.copyOf(flushes), progress, List.copyOf(uploads),
                state.failure().orElse(null), notes);
    }

    private static StackView stack(StackDetail d) {
        Long downtime = null;
        if (d.quiesceStartedAt().isPresent()) {
            Instant end = d.resumedAt().orElse(null);
            if (end != null) {
                downtime = Duration.between(d.quiesceStartedAt().get(), end).toMillis();
            }
        }
        return new StackView(d.stack().value(), d.mode().labelValue(), d.status().name().toLowerCase(Locale.ROOT),
                d.quiesceStartedAt().orElse(null), d.quiescedAt().orElse(null), d.resumeStartedAt().orElse(null),
                d.resumedAt().orElse(null), downtime, d.error().orElse(null));
    }

    /** The same record, ended as failed by the next agent start (the agent died while the job ran). */
    JobView failedAfterCrash(Instant now, String reason) {
        Map<String, Instant> allPhases = new LinkedHashMap<>(phases);
        allPhases.putIfAbsent(JobPhase.FAILED.wireName(), now);
        return new JobView(job, JobPhase.FAILED.wireName(), path, origin, requestedStacks, createdAt, now, allPhases,
                stacks, excluded, dataPaths, prepareHooks, flushes, null, uploads, failure != null ? failure : reason,
                notes);
    }
}
