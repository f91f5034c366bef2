package dev.lifeline.agent.backup;

import dev.lifeline.core.repository.BackupRepository;
import dev.lifeline.core.repository.CheckResult;
import dev.lifeline.core.repository.RepositorySnapshot;
import dev.lifeline.core.repository.RetentionRules;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An in-memory stand-in for the runner's tests: opening, listing and retention do nothing; a test says what its
 * backups do. Restore and check are not part of a job.
 */
interface StubRepository extends BackupRepository {
    @Override
    default String describe() {
        return "in-memory";
    }

    @Override
    default void ensureInitialized() {}

    @Override
    default List<RepositorySnapshot> snapshots(Map<String, String> tagFilter) {
        return List.of();
    }

    @Override
    default void restore(String snapshotId, Path target) {
        throw new UnsupportedOperationException();
    }

    @Override
    default void restore(String snapshotId, Path target, List<String> includePaths) {
        throw new UnsupportedOperationException();
    }

    @Override
    default void forget(RetentionRules rules, Map<String, String> tagFilter) {}

    @Override
    default void prune() {}

    @Override
    default CheckResult check(boolean readData) {
        throw new UnsupportedOperationException();
    }
}
