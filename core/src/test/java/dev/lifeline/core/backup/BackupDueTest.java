package dev.lifeline.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupDueTest {
    private static final CronSchedule NIGHTLY = CronSchedule.parse("0 2 * * *");
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final Duration RETRY = Duration.ofMinutes(30);

    private static ZonedDateTime at(String utc) {
        return ZonedDateTime.parse(utc + "Z").withZoneSameInstant(ZoneOffset.UTC);
    }

    private static Optional<Instant> i(String utc) {
        return Optional.of(Instant.parse(utc + "Z"));
    }

    private static boolean due(Optional<Instant> success, Optional<Instant> failure, String now) {
        return BackupDue.isDue(success, failure, NIGHTLY, WINDOW, RETRY, at(now));
    }

    @Test
    void dueOnceTheScheduledTimeHasComeAndWithinTheWindow() {
        Optional<Instant> yesterday = i("2026-03-01T02:05:00");
        assertThat(due(yesterday, Optional.empty(), "2026-03-02T01:59:00")).isFalse();
        assertThat(due(yesterday, Optional.empty(), "2026-03-02T02:00:00")).isTrue();
        assertThat(due(yesterday, Optional.empty(), "2026-03-02T03:00:00")).isTrue();
        assertThat(due(yesterday, Optional.empty(), "2026-03-02T03:00:01")).as("window missed").isFalse();
    }

    @Test
    void notDueAgainAfterASuccessForThatScheduledTime() {
        assertThat(due(i("2026-03-02T02:00:00"), Optional.empty(), "2026-03-02T02:10:00")).isFalse();
        assertThat(due(i("2026-03-02T01:59:00"), Optional.empty(), "2026-03-02T02:10:00"))
                .as("a success before the scheduled time does not serve it").isTrue();
    }

    @Test
    void neverBackedUpIsDueAtTheFirstScheduledTime() {
        assertThat(due(Optional.empty(), Optional.empty(), "2026-03-02T02:30:00")).isTrue();
        assertThat(due(Optional.empty(), Optional.empty(), "2026-03-02T12:00:00")).isFalse();
    }

    @Test
    void aFailedBackupIsDueAgainAfterTheRetryDelay() {
        Optional<Instant> success = i("2026-03-01T02:01:00");
        Optional<Instant> failure = i("2026-03-02T02:01:00");
        assertThat(due(success, failure, "2026-03-02T02:30:59")).isFalse();
        assertThat(due(success, failure, "2026-03-02T02:31:00")).isTrue();
        assertThat(due(success, failure, "2026-03-02T09:00:00")).as("retries outlive the window").isTrue();
        assertThat(due(i("2026-03-02T02:40:00"), failure, "2026-03-02T03:30:00"))
                .as("a later success ends the retries").isFalse();
    }

    @Test
    void durationsMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> BackupDue.isDue(Optional.empty(), Optional.empty(),
                NIGHTLY, Duration.ZERO, RETRY, at("2026-03-02T02:00:00"))).withMessageContaining("backup.due-window");
        assertThatIllegalArgumentException().isThrownBy(() -> BackupDue.isDue(Optional.empty(), Optional.empty(),
                NIGHTLY, WINDOW, Duration.ofSeconds(-1), at("2026-03-02T02:00:00")))
                .withMessageContaining("backup.retry-delay");
    }
}
