package dev.lifeline.cli.backup;

import java.util.List;
import java.util.Map;

/**
 * What the agent's backup and restore API answers, as the CLI reads it. Times stay ISO-8601 strings (rendering
 * parses them leniently); fields the CLI does not know are ignored and missing lists read as empty, so the agent
 * can grow its answers without breaking older CLIs.
 */
public final class BackupModel {
    private BackupModel() {}

    /** One backup job: what {@code GET /backup/status} answers and {@code GET /backup/jobs} lists. */
    public record Job(String job, String phase, String path, List<String> requestedStacks, String createdAt,
            String finishedAt, Map<String, String> phases, List<StackRun> stacks, List<Exclusion> excluded,
            List<PrepareHook> prepareHooks, List<Flush> flushes, Progress progress, List<Upload> uploads,
            String failure, List<String> notes) {
        public Job {
            requestedStacks = orEmpty(requestedStacks);
            phases = phases == null ? Map.of() : phases;
            stacks = orEmpty(stacks);
            excluded = orEmpty(excluded);
            prepareHooks = orEmpty(prepareHooks);
            flushes = orEmpty(flushes);
            uploads = orEmpty(uploads);
            notes = orEmpty(notes);
        }

        public boolean finished() {
            return "done".equals(phase) || "failed".equals(phase);
        }

        /** The longest downtime of any stack in this job, or null when none was measured. */
        public Long maxDowntimeMs() {
            return stacks.stream().map(StackRun::downtimeMs).filter(java.util.Objects::nonNull)
                    .max(Long::compare).orElse(null);
        }
    }

    /** How one stack was quiesced and resumed for a job. */
    public record StackRun(String stack, String mode, String status, String quiesceStartedAt, String quiescedAt,
            String resumeStartedAt, String resumedAt, Long downtimeMs, String error) {}

    /** A {@code lifeline.quiesce.prepare} command run before the marker; {@code failure} null when it worked. */
    public record PrepareHook(String stack, String container, String program, Long millis, String failure) {}

    /** The flush of one filesystem before the job's marker; {@code failure} null when it went well. */
    public record Flush(String filesystem, Long millis, Integer passes, String failure) {}

    /** A stack the job left out, and why. */
    public record Exclusion(String stack, String reason, String detail) {}

    /** Upload progress of a running job. */
    public record Progress(double percent, long bytesDone, long bytesTotal, long filesDone, long filesTotal,
            double secondsElapsed) {}

    /** One upload of a job: a source path of a stack that became a repository snapshot. */
    public record Upload(String stack, String source, String snapshotId, Long dataAdded, Long totalBytes) {}

    /** One snapshot in the backup repository. */
    public record Snapshot(String id, String shortId, String time, String stack, String job, String source,
            String mount, String host) {}

    /** Whether a stack's scheduled backup is due. */
    public record Due(String stack, String schedule, boolean due, String lastSuccess, String lastFailure,
            String nextRun) {}

    /** The answer of a restore test ({@code POST /backup/verify}). */
    public record Verify(String stack, String job, String snapshot, boolean passed, int exitCode, String output,
            String detail) {}

    /** The answer of {@code POST /restore}. */
    public record Restore(String stack, String job, List<Restored> restored, List<String> previousData,
            boolean restarted) {
        public Restore {
            restored = orEmpty(restored);
            previousData = orEmpty(previousData);
        }
    }

    /** One restored path. */
    public record Restored(String source, String target, String snapshotId) {}

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
