package dev.lifeline.core.backup;

import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.QuiesceMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the executor of a backup job must do. Actions of one step are run in list order; actions concerning one stack
 * run in the order they were given across steps (a Resume waits for that stack's Quiesce to end). Every action up to
 * and including {@link Upload} reports its outcome as a {@link JobEvent}; the last four report nothing.
 */
public sealed interface JobAction {

    /**
     * While every stack still runs: open the backup repository (create it if there is none) and prepare what the
     * resumes will need (per the stack's mode in this job); last, run the stacks' prepare hooks and flush the data's
     * filesystems, so that the marker and the stop follow at once and the downtime holds only what the apps wrote
     * in those moments (a failed hook or flush is a note); report RepositoryReady or RepositoryUnavailable. Not part
     * of the max-quiesce window.
     */
    record PrepareRepository(String jobId, Map<StackName, QuiesceMode> modes) implements JobAction {
        public PrepareRepository {
            modes = Map.copyOf(modes);
        }
    }

    /** Write the quiesce marker to the journal and fsync; report MarkerWritten or MarkerWriteFailed. */
    record WriteMarker(String jobId, List<StackName> stacks, Map<StackName, QuiesceMode> modes, Instant deadline)
            implements JobAction {
        public WriteMarker {
            stacks = List.copyOf(stacks);
            modes = Map.copyOf(modes);
        }
    }

    /**
     * Run the pre-hooks, then quiesce the listed containers per the mode (stop, pause; hook and none touch no
     * container); report StackQuiesced or QuiesceFailed.
     */
    record Quiesce(StackName stack, QuiesceMode mode, List<String> containers, List<Hook> preHooks)
            implements JobAction {
        public Quiesce {
            containers = List.copyOf(containers);
            preHooks = List.copyOf(preHooks);
        }
    }

    /** Snapshot every data path of these stacks; report SnapshotsTaken or SnapshotFailed. */
    record TakeSnapshots(List<StackName> stacks) implements JobAction {
        public TakeSnapshots {
            stacks = List.copyOf(stacks);
        }
    }

    /**
     * Undo the quiesce of the listed containers (start health-gated, unpause; nothing for hook and none), then run the
     * post-hooks; report StackResumed or ResumeFailed. Must be safe when the quiesce never ran or only partly did.
     */
    record Resume(StackName stack, QuiesceMode mode, List<String> containers, List<Hook> postHooks)
            implements JobAction {
        public Resume {
            containers = List.copyOf(containers);
            postHooks = List.copyOf(postHooks);
        }
    }

    /** Back up the stacks' data (from the snapshots, or the live paths in the fallback); report the outcome. */
    record Upload(List<StackName> stacks, BackupPath path) implements JobAction {
        public Upload {
            stacks = List.copyOf(stacks);
        }
    }

    /** Delete the snapshots this job took (also after a failed attempt: some may exist). Idempotent. */
    record DeleteSnapshots(List<StackName> stacks) implements JobAction {
        public DeleteSnapshots {
            stacks = List.copyOf(stacks);
        }
    }

    /** Apply the retention policy to the repository; only after a successful job. */
    record ApplyRetention() implements JobAction {}

    /** Remove the job's quiesce marker from the journal. */
    record ClearMarker(String jobId) implements JobAction {}

    /** Record the job's result (per stack too); always the last action of a job. */
    record RecordResult(JobState result) implements JobAction {}
}
