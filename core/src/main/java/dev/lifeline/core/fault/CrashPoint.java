package dev.lifeline.core.fault;

import java.util.List;

/** The names of every crash point, so tests can iterate over all of them. */
public final class CrashPoint {
    private CrashPoint() {}

    public static final String RECOVERY_AFTER_RUN_START = "recovery.after-run-start";
    public static final String RECOVERY_AFTER_MARKERS = "recovery.after-markers";
    public static final String RECOVERY_BEFORE_START = "recovery.before-stack-start";
    public static final String RECOVERY_AFTER_FIRST_LEVEL = "recovery.after-first-level";
    public static final String STOP_AFTER_MARKER = "stop.after-marker";
    public static final String STOP_AFTER_FIRST_CONTAINER = "stop.after-first-container";
    public static final String STOP_BEFORE_CLEAR = "stop.before-clear";
    public static final String START_AFTER_MARKER = "start.after-marker";
    public static final String START_AFTER_FIRST_CONTAINER = "start.after-first-container";
    public static final String START_BEFORE_CLEAR = "start.before-clear";

    public static final String BACKUP_AFTER_MARKER = "backup.after-marker";
    public static final String BACKUP_AFTER_FIRST_QUIESCE = "backup.after-first-quiesce";
    public static final String BACKUP_AFTER_SNAPSHOT = "backup.after-snapshot";
    public static final String BACKUP_AFTER_RESUME = "backup.after-resume";
    public static final String BACKUP_DURING_UPLOAD = "backup.during-upload";
    public static final String BACKUP_BEFORE_CLEAR = "backup.before-clear";
    public static final String RESTORE_AFTER_STOP = "restore.after-stop";
    /** In place: the live data is renamed aside, the restored copy not yet renamed into its place. */
    public static final String RESTORE_BETWEEN_RENAMES = "restore.between-renames";
    public static final String RESTORE_AFTER_SWAP = "restore.after-swap";

    public static final List<String> RECOVERY = List.of(RECOVERY_AFTER_RUN_START, RECOVERY_AFTER_MARKERS,
            RECOVERY_BEFORE_START, RECOVERY_AFTER_FIRST_LEVEL);
    public static final List<String> STOP = List.of(STOP_AFTER_MARKER, STOP_AFTER_FIRST_CONTAINER, STOP_BEFORE_CLEAR);
    public static final List<String> START = List.of(START_AFTER_MARKER, START_AFTER_FIRST_CONTAINER,
            START_BEFORE_CLEAR);
    /** The backup cycle, in the order a job reaches them (snapshot path). */
    public static final List<String> BACKUP = List.of(BACKUP_AFTER_MARKER, BACKUP_AFTER_FIRST_QUIESCE,
            BACKUP_AFTER_SNAPSHOT, BACKUP_AFTER_RESUME, BACKUP_DURING_UPLOAD, BACKUP_BEFORE_CLEAR);
    /** An in-place restore, in the order it reaches them. */
    public static final List<String> RESTORE = List.of(RESTORE_AFTER_STOP, RESTORE_BETWEEN_RENAMES,
            RESTORE_AFTER_SWAP);
}
