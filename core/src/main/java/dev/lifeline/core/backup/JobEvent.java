package dev.lifeline.core.backup;

import dev.lifeline.core.model.StackName;

/** What happened to a backup job: the outcome of an action, the passing of time, or a request from outside. */
public sealed interface JobEvent {
    /** Begin the job: open the repository, then write the marker. */
    record Start() implements JobEvent {}

    /** The backup repository is open (created if there was none) and what the resumes need is at hand. */
    record RepositoryReady() implements JobEvent {}

    /** The marker is durable (fsynced). */
    record MarkerWritten() implements JobEvent {}

    record MarkerWriteFailed(String reason) implements JobEvent {}

    /**
     * The backup repository could not be opened (or created) before the marker: the job ends before any stack is
     * touched, since a backup that cannot be stored must not cost the apps any downtime.
     */
    record RepositoryUnavailable(String reason) implements JobEvent {}

    record StackQuiesced(StackName stack) implements JobEvent {}

    /** The quiesce failed; the stack may be partly quiesced, so it is resumed. */
    record QuiesceFailed(StackName stack, String reason) implements JobEvent {}

    record SnapshotsTaken() implements JobEvent {}

    /** Taking snapshots failed; some may exist, so they are deleted. */
    record SnapshotFailed(String reason) implements JobEvent {}

    record StackResumed(StackName stack) implements JobEvent {}

    record ResumeFailed(StackName stack, String reason) implements JobEvent {}

    /** The upload ended well; {@code summary} is what the backup tool said (snapshot id, sizes). */
    record UploadFinished(String summary) implements JobEvent {}

    record UploadFailed(String reason) implements JobEvent {}

    /** Time passes; lets the max-quiesce deadline be enforced. */
    record Tick() implements JobEvent {}

    /** Someone (user, API) asks the job to stop. */
    record Cancel(String reason) implements JobEvent {}

    /** The agent is going down: unquiesce and end the job. */
    record AgentShutdown() implements JobEvent {}
}
