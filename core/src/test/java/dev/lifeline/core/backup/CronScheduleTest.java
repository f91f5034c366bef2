package dev.lifeline.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
    private static final ZoneOffset ZONE = ZoneOffset.ofHours(2);

    private static ZonedDateTime at(String local) {
        return java.time.LocalDateTime.parse(local).atZone(ZONE);
    }

    private static List<String> nextTimes(String expression, String from, int count) {
        CronSchedule schedule = CronSchedule.parse(expression);
        List<String> out = new ArrayList<>();
        ZonedDateTime t = at(from);
        for (int i = 0; i < count; i++) {
            t = schedule.next(t);
            out.add(t.toLocalDateTime().toString());
        }
        return out;
    }

    @Test
    void nextIsStrictlyAfterAndOnWholeMinutes() {
        assertThat(nextTimes("30 2 * * *", "2026-03-01T02:30", 2))
                .containsExactly("2026-03-02T02:30", "2026-03-03T02:30");
        assertThat(nextTimes("* * * * *", "2026-03-01T02:30:15", 1)).containsExactly("2026-03-01T02:31");
        assertThat(CronSchedule.parse("* * * * *").next(at("2026-03-01T02:30")).getZone()).isEqualTo(ZONE);
    }

    @Test
    void listsRangesAndSteps() {
        assertThat(nextTimes("0,15 8-9 * * *", "2026-03-01T00:00", 5)).containsExactly("2026-03-01T08:00",
                "2026-03-01T08:15", "2026-03-01T09:00", "2026-03-01T09:15", "2026-03-02T08:00");
        assertThat(nextTimes("*/20 * * * *", "2026-03-01T10:05", 3))
                .containsExactly("2026-03-01T10:20", "2026-03-01T10:40", "2026-03-01T11:00");
        assertThat(nextTimes("10-40/15 3 * * *", "2026-03-01T00:00", 3))
                .containsExactly("2026-03-01T03:10", "2026-03-01T03:25", "2026-03-01T03:40");
    }

    @Test
    void monthAndWeekdayNamesAndSundayAsZeroOrSeven() {
        // 2026-03-01 is a Sunday
        assertThat(nextTimes("0 4 * * SUN", "2026-02-27T00:00", 1)).containsExactly("2026-03-01T04:00");
        assertThat(nextTimes("0 4 * * 7", "2026-02-27T00:00", 1)).containsExactly("2026-03-01T04:00");
        assertThat(nextTimes("0 4 * * 0", "2026-02-27T00:00", 1)).containsExactly("2026-03-01T04:00");
        assertThat(nextTimes("0 4 * * mon-fri", "2026-02-27T05:00", 2))
                .containsExactly("2026-03-02T04:00", "2026-03-03T04:00");
        assertThat(nextTimes("0 0 1 jan,JUL *", "2026-03-01T00:00", 2))
                .containsExactly("2026-07-01T00:00", "2027-01-01T00:00");
    }

    @Test
    void whenBothDayFieldsAreRestrictedEitherMatches() {
        // the 13th or any Friday: Fri 2026-03-06, Fri 03-13 (both), Fri 03-20
        assertThat(nextTimes("0 0 13 * 5", "2026-03-01T00:00", 3))
                .containsExactly("2026-03-06T00:00", "2026-03-13T00:00", "2026-03-20T00:00");
        // a star day-of-month means only the weekday counts
        assertThat(nextTimes("0 0 * * 5", "2026-03-01T00:00", 1)).containsExactly("2026-03-06T00:00");
    }

    @Test
    void theLastDayOfFebruaryInALeapYearIsFound() {
        assertThat(nextTimes("0 0 29 2 *", "2026-03-01T00:00", 2))
                .containsExactly("2028-02-29T00:00", "2032-02-29T00:00");
        assertThat(nextTimes("59 23 31 12 *", "2026-12-31T23:59", 1)).containsExactly("2027-12-31T23:59");
    }

    @Test
    void matchesNamesTheScheduledMinutes() {
        CronSchedule schedule = CronSchedule.parse("30 2 * * *");
        assertThat(schedule.matches(at("2026-03-01T02:30:59"))).isTrue();
        assertThat(schedule.matches(at("2026-03-01T02:31"))).isFalse();
    }

    @Test
    void errorsNameTheFieldAndTheBadValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 0 * * 9"))
                .withMessage("cron field day-of-week: '9' is outside 0-7");
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("60 0 * * *"))
                .withMessage("cron field minute: '60' is outside 0-59");
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 24 * * *"))
                .withMessage("cron field hour: '24' is outside 0-23");
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 0 0 * *"))
                .withMessage("cron field day-of-month: '0' is outside 1-31");
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 0 * FOO *"))
                .withMessage("cron field month: 'FOO' is not a number or a name (JAN-DEC)");
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 0 * JAN MAR"))
                .withMessage("cron field day-of-week: 'MAR' is not a number or a name (SUN-SAT)");
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("*/0 * * * *"))
                .withMessage("cron field minute: step '0' in '*/0' must be at least 1");
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("5/10 * * * *"))
                .withMessageStartingWith("cron field minute: '5/10' steps from a single value");
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 5-2 * * *"))
                .withMessage("cron field hour: range '5-2' goes backwards");
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 1,,2 * * *"))
                .withMessage("cron field hour: '1,,2' has an empty list item");
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 0 * *"))
                .withMessageContaining("has 4 fields: expected 5");
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 0 30 2 *"))
                .withMessageContaining("cron field day-of-month: '30' never occurs in month '2'");
    }
}
