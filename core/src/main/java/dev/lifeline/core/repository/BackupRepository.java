package dev.lifeline.core.repository;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Port to a deduplicating, encrypted backup repository (restic in production).
 *
 * <p>Every method throws {@link RepositoryException} when the repository cannot be reached, refuses, or the tool
 * fails; the exception says what the user can do about it and never carries a secret. Methods block the calling
 * thread; interrupting it cancels the running operation (the tool process is ended) and throws a
 * {@link RepositoryException} with reason {@link RepositoryException.Reason#CANCELLED}.
 *
 * <p>Tags are key/value pairs such as {@code host=web1}, {@code stack=shop}, {@code job=db-nightly}; they are how
 * Lifeline finds its snapshots again. Keys are non-empty and contain neither {@code =} nor {@code ,}; values contain
 * no {@code ,} (restic separates tags with commas).
 */
public interface BackupRepository {

    /** Human description of the repository for logs and {@code doctor}, with any credentials redacted. */
    String describe();

    /**
     * Creates the repository when there is none at the configured location yet; does nothing when it exists and the
     * password opens it. A repository that exists but does not open with the password (wrong password) is an error:
     * it is never initialized again.
     */
    void ensureInitialized();

    /**
     * Opens the repository for backup job {@code jobId} before anything is stopped: as {@link #ensureInitialized},
     * and an implementation may also read now what the job's backups will need (restic: this host's snapshots, for
     * each data path's parent), so that the upload does not. The same errors as {@link #ensureInitialized}.
     */
    default void prepareJob(String jobId) {
        ensureInitialized();
    }

    /**
     * Backs up {@code paths} and returns once the snapshot is stored.
     *
     * <p>{@code workingDir} is the root the snapshot is taken from (for Lifeline: the per-job filesystem snapshot
     * of the container data). The tool runs with {@code workingDir} as its working directory and receives the
     * paths relative to it, so the snapshot holds the tree relative to {@code workingDir}: restoring it under any
     * target reproduces the same relative layout, independent of where the per-job snapshot happened to be mounted.
     * Absolute paths must lie inside {@code workingDir} (they are made relative); relative paths are taken against
     * it and may not climb out of it. An empty list backs up the whole of {@code workingDir}.
     *
     * @param progress called now and then (throttled) from a background thread while the backup runs; an exception
     *     it throws is logged and ignored
     */
    BackupSummary backup(List<Path> paths, Map<String, String> tags, Path workingDir,
            Consumer<BackupProgress> progress);

    /**
     * The same repository, with its work run at a low CPU priority, so that the apps come first. For the upload
     * after an early resume, when the stacks are starting again beside it; never while a stack waits for the upload
     * to end (the stop-mode fallback), where a slower upload is a longer outage. The default changes nothing.
     */
    default BackupRepository yieldingCpu() {
        return this;
    }

    /** Snapshots carrying every tag of {@code tagFilter} (all snapshots when empty), newest first. */
    List<RepositorySnapshot> snapshots(Map<String, String> tagFilter);

    /** Restores the whole snapshot under {@code target} (created when missing), in its relative layout. */
    void restore(String snapshotId, Path target);

    /**
     * Restores only the given paths of the snapshot (relative to the snapshot root, e.g. {@code data/db}) under
     * {@code target}; an empty list restores everything.
     */
    void restore(String snapshotId, Path target, List<String> includePaths);

    /**
     * Forgets the snapshots carrying every tag of {@code tagFilter} that {@code rules} do not keep. The filter chooses
     * the set (for Lifeline: one stack's one data path); the rules apply per host within it. Data is only freed by {@link #prune()}.
     */
    void forget(RetentionRules rules, Map<String, String> tagFilter);

    /** Removes data no snapshot references any more. Takes an exclusive lock: no backup runs meanwhile. */
    void prune();

    /**
     * Verifies the repository structure, and with {@code readData} also reads and verifies every stored byte
     * (slow, reads the whole repository). Problems found are the result, not an exception; an exception means the
     * check could not run.
     */
    CheckResult check(boolean readData);
}
