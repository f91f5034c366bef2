package dev.lifeline.core.backup;

/**
 * Which backups the repository keeps after a successful job (as restic's {@code forget --keep-*}).
 *
 * <p>All counts are 0 or more. All zero means no policy: nothing is deleted (never "delete every backup").
 *
 * @param keepLast    {@code backup.retention.keep-last}: the newest n backups
 * @param keepDaily   {@code backup.retention.keep-daily}: the newest backup of each of the last n days with one
 * @param keepWeekly  {@code backup.retention.keep-weekly}
 * @param keepMonthly {@code backup.retention.keep-monthly}
 */
public record RetentionPolicy(int keepLast, int keepDaily, int keepWeekly, int keepMonthly) {
    public static final RetentionPolicy DEFAULT = new RetentionPolicy(0, 7, 4, 6);

    public RetentionPolicy {
        requireCount("backup.retention.keep-last", keepLast);
        requireCount("backup.retention.keep-daily", keepDaily);
        requireCount("backup.retention.keep-weekly", keepWeekly);
        requireCount("backup.retention.keep-monthly", keepMonthly);
    }

    /** No count is set: applying the policy deletes nothing. */
    public boolean keepsEverything() {
        return keepLast == 0 && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0;
    }

    private static void requireCount(String key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(key + " must be >= 0, got " + value);
        }
    }
}
