package dev.lifeline.agent.journal;

import dev.lifeline.core.log.KeyValues;
import dev.lifeline.core.journal.JournalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the agent's journal and never lets a corrupt file stop the agent: a damaged or foreign {@code journal.db}
 * (with its {@code -wal} and {@code -shm}) is moved aside to {@code journal.db.corrupt-<UTC timestamp>} for forensics
 * and a fresh journal is created; the caller then rebuilds its state from the engine.
 *
 * <p>Conditions a fresh file would not fix (unwritable directory, full disk, a schema from a newer Lifeline) are
 * thrown as {@link JournalException} naming the path and what to do.
 */
public final class JournalOpener {
    private static final Logger log = LoggerFactory.getLogger(JournalOpener.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String[] SIDE_FILES = {"-wal", "-shm"};

    /**
     * What opening did.
     *
     * @param journal       the open journal, ready for use
     * @param rebuilt       the previous journal was corrupt and this one is fresh: state must be rebuilt
     * @param quarantinedTo where the corrupt {@code journal.db} was moved (its -wal/-shm got the same name plus suffix)
     * @param reason        why it was considered corrupt; empty when not rebuilt
     */
    public record Result(SqliteJournal journal, boolean rebuilt, Optional<Path> quarantinedTo, String reason) {
        public Result {
            Objects.requireNonNull(journal);
            Objects.requireNonNull(quarantinedTo);
            reason = reason == null ? "" : reason;
        }
    }

    private JournalOpener() {}

    public static Result open(Path dataDir) {
        return open(dataDir, SqliteJournal.DEFAULT_MAX_EVENTS, Clock.systemUTC());
    }

    public static Result open(Path dataDir, int maxEvents, Clock clock) {
        Path[] movedTo = new Path[1];
        try {
            return new Result(SqliteJournal.open(dataDir, maxEvents, c -> movedTo[0] = quarantine(c.path(), clock)),
                    false, Optional.empty(), "");
        } catch (JournalCorruptException corrupt) {
            // normally moved while SQLite still had it open (so SQLite cannot delete an unusable -wal on close)
            Path moved = movedTo[0] != null ? movedTo[0] : quarantine(corrupt.path(), clock);
            log.error(KeyValues.line("event", "journal_quarantined", "path", corrupt.path(), "moved_to", moved,
                    "reason", corrupt.reason()));
            try {
                return new Result(SqliteJournal.open(dataDir, maxEvents), true, Optional.of(moved), corrupt.reason());
            } catch (JournalCorruptException again) {
                throw new JournalException("journal " + corrupt.path() + " is still unusable after moving the corrupt"
                        + " file to " + moved + ": " + again.reason() + "; check the filesystem of "
                        + corrupt.path().getParent(), again);
            }
        }
    }

    /** Moves the journal and its side files aside (side files first, so a stale WAL never meets a fresh db). */
    static Path quarantine(Path journalFile, Clock clock) {
        Path dir = journalFile.getParent();
        String base = journalFile.getFileName() + ".corrupt-" + STAMP.format(clock.instant());
        Path target = dir.resolve(base);
        for (int n = 1; taken(target); n++) {
            target = dir.resolve(base + "-" + n);
        }
        try {
            for (String suffix : SIDE_FILES) {
                Path side = journalFile.resolveSibling(journalFile.getFileName() + suffix);
                if (Files.exists(side, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(side, target.resolveSibling(target.getFileName() + suffix),
                            StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.move(journalFile, target, StandardCopyOption.ATOMIC_MOVE);
            PrivateFiles.syncDirectory(dir);
        } catch (IOException e) {
            throw new JournalException("journal " + journalFile + " is corrupt and could not be moved aside to "
                    + target + ": " + e + "; move it away by hand (keep it for diagnosis) and restart the agent", e);
        }
        return target;
    }

    private static boolean taken(Path target) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        for (String suffix : SIDE_FILES) {
            if (Files.exists(target.resolveSibling(target.getFileName() + suffix), LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }
}
