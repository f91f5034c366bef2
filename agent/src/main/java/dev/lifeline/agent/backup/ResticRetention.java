package dev.lifeline.agent.backup;

import dev.lifeline.core.repository.BackupRepository;
import dev.lifeline.core.repository.RetentionRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention after a successful job: {@code forget} per stack and data path with the configured rules, and a
 * {@code prune} when the last one is older than the prune interval (recorded in the data dir). Problems are notes on
 * the job: the backup itself is stored.
 */
final class ResticRetention implements BackupRunner.Retention {
    private static final Logger log = LoggerFactory.getLogger(ResticRetention.class);
    private final BackupRepository repository;
    private final RetentionRules rules;
    private final Duration pruneEvery;
    private final Path lastPruneFile;
    private final InstantSource clock;

    ResticRetention(BackupRepository repository, RetentionRules rules, Duration pruneEvery, Path dataDir,
            InstantSource clock) {
        this.repository = repository;
        this.rules = rules;
        this.pruneEvery = pruneEvery;
        this.lastPruneFile = dataDir.resolve("backup-last-prune");
        this.clock = clock;
    }

    @Override
    public List<String> apply(List<DataPath> uploaded) {
        List<String> notes = new ArrayList<>();
        for (DataPath p : uploaded) {
            try {
                repository.forget(rules, Map.of("stack", p.stack().value(), "source", p.source().toString()));
            } catch (RuntimeException e) {
                notes.add("retention (forget) for " + p.stack() + " " + p.source() + " failed: "
                        + BackupRunner.message(e));
            }
        }
        Instant now = clock.instant();
        if (lastPrune().isEmpty()) {
            remember(now); // a new repository has nothing to prune: the interval starts now
        } else if (lastPrune().get().plus(pruneEvery).isBefore(now)) {
            try {
                repository.prune();
                remember(now);
                log.info("event=repository_pruned");
            } catch (RuntimeException e) {
                notes.add("prune failed: " + BackupRunner.message(e) + "; it is tried again after the next backup");
            }
        }
        return notes;
    }

    private void remember(Instant when) {
        try {
            Files.writeString(lastPruneFile, when.toString());
        } catch (IOException e) {
            log.warn("event=prune_time_unrecorded file={} error=\"{}\"", lastPruneFile, e.getMessage());
        }
    }

    private java.util.Optional<Instant> lastPrune() {
        try {
            return java.util.Optional.of(Instant.parse(Files.readString(lastPruneFile).trim()));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
