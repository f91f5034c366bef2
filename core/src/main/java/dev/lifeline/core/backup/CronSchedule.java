package dev.lifeline.core.backup;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;

/**
 * A standard 5-field cron expression: {@code minute hour day-of-month month day-of-week}.
 *
 * <p>Each field is {@code *} or a comma-separated list of values, ranges {@code a-b}, and steps {@code * /n} (without
 * the space) or {@code a-b/n}. Months may be named {@code JAN}-{@code DEC} and weekdays {@code SUN}-{@code SAT}
 * (any case); weekday 0 and 7 are both Sunday. As in Vixie cron, when both day fields are restricted (neither starts
 * with {@code *}) a day matches when either matches; otherwise both must. An expression that can never match (such as
 * {@code 0 0 30 2 *}) is rejected. {@link #next} works on the wall-clock time of the zone it is given; daylight-saving
 * gaps and overlaps are resolved the way {@link ZonedDateTime} resolves them, which is all the precision backups need.
 */
public final class CronSchedule {
    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("JAN", 1), Map.entry("FEB", 2),
            Map.entry("MAR", 3), Map.entry("APR", 4), Map.entry("MAY", 5), Map.entry("JUN", 6), Map.entry("JUL", 7),
            Map.entry("AUG", 8), Map.entry("SEP", 9), Map.entry("OCT", 10), Map.entry("NOV", 11),
            Map.entry("DEC", 12));
    private static final Map<String, Integer> DAYS = Map.of("SUN", 0, "MON", 1, "TUE", 2, "WED", 3, "THU", 4,
            "FRI", 5, "SAT", 6);
    private static final int[] MAX_DAYS = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    /** Long enough for any satisfiable expression (Feb 29 may be 8 years away), short enough to stop a bug. */
    private static final int SEARCH_DAYS = 366 * 9;

    private final String expression;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean dayOfMonthStar;
    private final boolean dayOfWeekStar;

    private CronSchedule(String expression, BitSet[] fields, boolean dayOfMonthStar, boolean dayOfWeekStar) {
        this.expression = expression;
        this.minutes = fields[0];
        this.hours = fields[1];
        this.daysOfMonth = fields[2];
        this.months = fields[3];
        this.daysOfWeek = fields[4];
        this.dayOfMonthStar = dayOfMonthStar;
        this.dayOfWeekStar = dayOfWeekStar;
    }

    private enum Field {
        MINUTE("minute", 0, 59, Map.of()),
        HOUR("hour", 0, 23, Map.of()),
        DAY_OF_MONTH("day-of-month", 1, 31, Map.of()),
        MONTH("month", 1, 12, MONTHS),
        DAY_OF_WEEK("day-of-week", 0, 7, DAYS);

        final String label;
        final int min;
        final int max;
        final Map<String, Integer> names;

        Field(String label, int min, int max, Map<String, Integer> names) {
            this.label = label;
            this.min = min;
            this.max = max;
            this.names = names;
        }
    }

    /** Parses the expression; the exception's message names the field and the bad value. */
    public static CronSchedule parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("cron expression is empty: expected 5 fields "
                    + "(minute hour day-of-month month day-of-week)");
        }
        String[] parts = expression.trim().split("\\s+");
        if (parts.length != 5) {
            throw new IllegalArgumentException("cron expression '" + expression.trim() + "' has " + parts.length
                    + " fields: expected 5 (minute hour day-of-month month day-of-week)");
        }
        Field[] fields = Field.values();
        BitSet[] sets = new BitSet[5];
        for (int i = 0; i < 5; i++) {
            sets[i] = parseField(fields[i], parts[i]);
        }
        if (sets[4].get(7)) {
            sets[4].clear(7);
            sets[4].set(0);
        }
        boolean domStar = parts[2].startsWith("*");
        boolean dowStar = parts[4].startsWith("*");
        if (!domStar && dowStar) {
            boolean possible = false;
            for (int month = sets[3].nextSetBit(1); month >= 0; month = sets[3].nextSetBit(month + 1)) {
                possible |= sets[2].nextSetBit(1) <= MAX_DAYS[month];
            }
            if (!possible) {
                throw new IllegalArgumentException("cron field day-of-month: '" + parts[2]
                        + "' never occurs in month '" + parts[3] + "'; the expression would never run");
            }
        }
        return new CronSchedule(expression.trim(), sets, domStar, dowStar);
    }

    public String expression() {
        return expression;
    }

    /** The first scheduled minute strictly after {@code after}, in its zone. */
    public ZonedDateTime next(ZonedDateTime after) {
        LocalDateTime t = after.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        LocalDate lastDay = t.toLocalDate().plusDays(SEARCH_DAYS);
        while (!t.toLocalDate().isAfter(lastDay)) {
            LocalDate date = t.toLocalDate();
            if (!months.get(date.getMonthValue())) {
                t = date.withDayOfMonth(1).plusMonths(1).atStartOfDay();
            } else if (!dayMatches(date)) {
                t = date.plusDays(1).atStartOfDay();
            } else if (!hours.get(t.getHour())) {
                int hour = hours.nextSetBit(t.getHour() + 1);
                t = hour < 0 ? date.plusDays(1).atStartOfDay() : date.atTime(hour, minutes.nextSetBit(0));
            } else if (!minutes.get(t.getMinute())) {
                int minute = minutes.nextSetBit(t.getMinute() + 1);
                t = minute < 0 ? date.atTime(t.getHour(), 0).plusHours(1) : date.atTime(t.getHour(), minute);
            } else {
                ZonedDateTime candidate = t.atZone(after.getZone());
                if (candidate.isAfter(after)) {
                    return candidate;
                }
                t = t.plusMinutes(1); // a daylight-saving overlap moved the candidate back
            }
        }
        throw new IllegalStateException("cron expression '" + expression + "' has no time within " + SEARCH_DAYS
                + " days after " + after + ": this is a bug");
    }

    /** Whether the expression names this minute (seconds ignored). */
    public boolean matches(ZonedDateTime time) {
        LocalDateTime t = time.toLocalDateTime();
        return minutes.get(t.getMinute()) && hours.get(t.getHour()) && months.get(t.getMonthValue())
                && dayMatches(t.toLocalDate());
    }

    private boolean dayMatches(LocalDate date) {
        boolean dom = daysOfMonth.get(date.getDayOfMonth());
        boolean dow = daysOfWeek.get(date.getDayOfWeek().getValue() % 7);
        if (!dayOfMonthStar && !dayOfWeekStar) {
            return dom || dow;
        }
        return dom && dow;
    }

    private static BitSet parseField(Field field, String text) {
        BitSet set = new BitSet();
        for (String item : text.split(",", -1)) {
            if (item.isEmpty()) {
                throw error(field, text, "has an empty list item");
            }
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                String stepText = item.substring(slash + 1);
                step = number(field, stepText, item);
                if (step < 1) {
                    throw new IllegalArgumentException("cron field " + field.label + ": step '" + stepText
                            + "' in '" + item + "' must be at least 1");
                }
                if (!range.equals("*") && !range.contains("-")) {
                    throw new IllegalArgumentException("cron field " + field.label + ": '" + item
                            + "' steps from a single value; write '*/n' or 'a-b/n'");
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = field.min;
                to = field == Field.DAY_OF_WEEK ? 6 : field.max;
            } else {
                int dash = range.indexOf('-');
                if (dash >= 0) {
                    from = value(field, range.substring(0, dash));
                    to = value(field, range.substring(dash + 1));
                    if (from > to) {
                        throw new IllegalArgumentException("cron field " + field.label + ": range '" + range
                                + "' goes backwards");
                    }
                } else {
                    from = value(field, range);
                    to = from;
                }
            }
            for (int v = from; v <= to; v += step) {
                set.set(v);
            }
        }
        return set;
    }

    private static int value(Field field, String text) {
        Integer named = field.names.get(text.toUpperCase(Locale.ROOT));
        int v = named != null ? named : number(field, text, text);
        if (v < field.min || v > field.max) {
            throw new IllegalArgumentException("cron field " + field.label + ": '" + text + "' is outside "
                    + field.min + "-" + field.max);
        }
        return v;
    }

    private static int number(Field field, String text, String item) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            String expected = field.names.isEmpty() ? "a number"
                    : "a number or a name (" + (field == Field.MONTH ? "JAN-DEC" : "SUN-SAT") + ")";
            throw new IllegalArgumentException("cron field " + field.label + ": '" + text + "'"
                    + (text.equals(item) ? "" : " in '" + item + "'") + " is not " + expected);
        }
        return Integer.parseInt(text);
    }

    private static IllegalArgumentException error(Field field, String text, String message) {
        return new IllegalArgumentException("cron field " + field.label + ": '" + text + "' " + message);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronSchedule other && expression.equals(other.expression);
    }

    @Override
    public int hashCode() {
        return expression.hashCode();
    }

    @Override
    public String toString() {
        return expression;
    }
}
