package dev.lifeline.core.repository;

/**
 * How many snapshots to keep: the last {@code keepLast}, plus the newest of each of the last {@code keepDaily}
 * days, {@code keepWeekly} weeks and {@code keepMonthly} months. Zero disables a rule; at least one must be set,
 * because rules that keep nothing would forget every snapshot.
 */
public record RetentionRules(int keepLast, int keepDaily, int keepWeekly, int keepMonthly) {
    public RetentionRules {
        if (keepLast < 0 || keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0) {
            throw new IllegalArgumentException("retention counts must be >= 0, got keepLast=" + keepLast
                    + " keepDaily=" + keepDaily + " keepWeekly=" + keepWeekly + " keepMonthly=" + keepMonthly);
        }
        if (keepLast == 0 && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0) {
            throw new IllegalArgumentException("retention rules keep nothing: they would forget everything;"
                    + " set at least one of keepLast, keepDaily, keepWeekly, keepMonthly above 0");
        }
    }

    public static RetentionRules keepLast(int n) {
        return new RetentionRules(n, 0, 0, 0);
    }
}
