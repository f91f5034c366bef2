package dev.lifeline.agent.backup;

import dev.lifeline.core.backup.RestoreRollback;
import dev.lifeline.core.backup.RestoreSwap;
import dev.lifeline.core.fault.CrashPoint;
import dev.lifeline.core.fault.CrashPoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The renames of an in-place restore: recorded durably before the first ({@link RestoreRecords}), the record removed
 * after the last. A failed rename, or a record a crash left behind, is undone as {@link RestoreRollback} plans it.
 */
final class InPlaceSwaps {
    private static final Logger log = LoggerFactory.getLogger(InPlaceSwaps.class);

    private final RestoreRecords records;
    private final CrashPoints crash;

    InPlaceSwaps(RestoreRecords records, CrashPoints crash) {
        this.records = records;
        this.crash = crash;
    }

    /**
     * Renames each live data path aside and its restored copy into its place; a rename that fails puts everything
     * back as it was before the restore, as the next start would after a crash.
     *
     * @return where the live data was kept
     */
    List<String> apply(RestoreRecords.Record record) {
        records.write(record);
        List<String> previous = new ArrayList<>();
        for (RestoreSwap w : record.swaps()) {
            try {
                if (w.hadSource()) {
                    Files.move(w.source(), w.aside(), StandardCopyOption.ATOMIC_MOVE);
                    previous.add(w.aside().toString());
                }
                crash.reach(CrashPoint.RESTORE_BETWEEN_RENAMES);
                Files.move(w.restored(), w.source(), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                boolean undone = rollBack(record, "a rename failed: " + e.getMessage());
                throw new IllegalStateException("could not move the restored copy of " + w.source() + " into place ("
                        + e.getMessage() + "); " + (undone ? "every path of the restore was put back as it was"
                                : "putting the live data back failed too: see the agent log, the live data is at "
                                        + w.aside()), e);
            }
        }
        records.delete(record);
        record.swaps().forEach(w -> RestoreService.deleteTree(w.staging())); // a file's staging folder, now empty
        return previous;
    }

    /** At the next start, before recovery: undoes every restore a crash interrupted (its record is still there). */
    void finishAfterCrash() {
        List<RestoreRecords.Record> left;
        try {
            left = records.list();
        } catch (IOException e) {
            log.error("event=restore_records_unreadable error=\"{}\"", e.getMessage());
            return;
        }
        for (RestoreRecords.Record record : left) {
            log.warn("event=restore_interrupted job={} stack={} paths={}", record.job(), record.stack(),
                    record.swaps().size());
            try {
                rollBack(record, "the agent stopped (crash or kill) during the restore");
            } catch (RuntimeException e) {
                log.error("event=restore_rollback_failed job={} stack={} error=\"{}\"", record.job(), record.stack(),
                        BackupRunner.message(e));
            }
        }
    }

    /** Applies {@link RestoreRollback}; the record goes once every step succeeded. Returns whether they did. */
    private boolean rollBack(RestoreRecords.Record record, String why) {
        boolean ok = true;
        for (RestoreRollback.Step step : RestoreRollback.plan(record.swaps(),
                p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))) {
            try {
                switch (step) {
                    case RestoreRollback.Step.Move m -> {
                        Files.move(m.from(), m.to(), StandardCopyOption.ATOMIC_MOVE);
                        log.warn("event=restore_rolled_back job={} stack={} step={} from={} to={} reason=\"{}\"",
                                record.job(), record.stack(), m.reason().name().toLowerCase(Locale.ROOT), m.from(),
                                m.to(), why);
                    }
                    case RestoreRollback.Step.DeleteStaging d -> RestoreService.deleteTree(d.staging());
                    case RestoreRollback.Step.Missing m -> {
                        ok = false;
                        log.error("event=restore_data_missing job={} stack={} source={} aside={}", record.job(),
                                record.stack(), m.source(), m.aside());
                    }
                }
            } catch (IOException e) {
                ok = false;
                log.error("event=restore_rollback_failed job={} stack={} step=\"{}\" error=\"{}\"", record.job(),
                        record.stack(), step, e.getMessage());
            }
        }
        if (ok) {
            records.delete(record);
            log.warn("event=restore_undone job={} stack={} reason=\"{}\"", record.job(), record.stack(), why);
        }
        return ok;
    }
}
