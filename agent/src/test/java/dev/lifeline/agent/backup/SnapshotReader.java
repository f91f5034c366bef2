package dev.lifeline.agent.backup;

import dev.lifeline.core.repository.BackupProgress;
import dev.lifeline.core.repository.BackupSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Uploads that note what the snapshot (or, in the fallback, the live data) holds, and store nothing. */
final class SnapshotReader implements StubRepository {
    private final Map<String, Long> found = new ConcurrentHashMap<>();

    @Override
    public BackupSummary backup(List<Path> paths, Map<String, String> tags, Path workingDir,
            Consumer<BackupProgress> progress) {
        try (Stream<Path> files = Files.list(workingDir)) {
            files.forEach(f -> found.put(f.getFileName().toString(), f.toFile().length()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BackupSummary("snap-1", 1, 0, 0, 1, 1, Duration.ZERO);
    }

    /** The files the uploads found at the top of what they read, and their sizes. */
    Map<String, Long> found() {
        return Map.copyOf(found);
    }
}
