package dev.lifeline.core.backup;

import dev.lifeline.core.model.StackName;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything known about one backup job. Immutable; {@link BackupCycle#next} gives the next one.
 *
 * @param jobId         unique id (the marker's owner)
 * @param phase         where the job is
 * @param path          snapshot, or the stop-mode fallback (recorded so the result says which)
 * @param stacks        per-stack detail, in quiesce order
 * @param maxQuiesce    how long stacks may stay quiesced
 * @param deadline      when every stack is resumed no matter what: maxQuiesce after the repository was ready (the
 *                      marker's write); empty before
 * @param phaseTimes    when the job entered each phase it went through
 * @param marker        the quiesce marker's state (preparing: the repository is being opened, the marker is next)
 * @param snapshots     the snapshot step's state (never started in the fallback)
 * @param upload        the upload's state
 * @param uploadSummary what the backup tool said about a finished upload
 * @param failure       why the job failed (the first failure); empty while all goes well
 * @param abandoned     a cancel or the agent's shutdown asked the job to stop: it starts no more work
 * @param notes         what else the record must say (later failures, the deadline, the fallback)
 */
public record JobState(
        String jobId,
        JobPhase phase,
        BackupPath path,
        List<StackDetail> stacks,
        Duration maxQuiesce,
        Optional<Instant> deadline,
        Map<JobPhase, Instant> phaseTimes,
        Marker marker,
        Progress snapshots,
        Progress upload,
        Optional<String> uploadSummary,
        Optional<String> failure,
        boolean abandoned,
        List<String> notes) {

    /** The marker's life. */
    public enum Marker { NOT_WRITTEN, PREPARING, WRITING, WRITTEN, WRITE_FAILED, CLEARED }

    /** The life of a step that reports an outcome. */
    public enum Progress { NOT_STARTED, IN_FLIGHT, SUCCEEDED, FAILED }

    public JobState {
        stacks = List.copyOf(stacks);
        EnumMap<JobPhase, Instant> times = new EnumMap<>(JobPhase.class);
        times.putAll(phaseTimes);
        phaseTimes = java.util.Collections.unmodifiableMap(times);
        notes = List.copyOf(notes);
    }

    public Optional<StackDetail> stack(StackName name) {
        return stacks.stream().filter(s -> s.stack().equals(name)).findFirst();
    }

    /** The stacks this job issued a Quiesce for and not yet a Resume. */
    public List<StackName> stillQuiesced() {
        return stacks.stream().filter(s -> s.status().needsResume()).map(StackDetail::stack).toList();
    }
}
