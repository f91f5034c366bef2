package dev.lifeline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.journal.CommandEntry;
import dev.lifeline.core.journal.CommandReceipt;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's record of the control plane's commands, on a real SQLite file. */
class CommandLedgerTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void anIdIsNewOnceAndARepeatGetsWhatWasRecordedEvenAfterAReopen() {
        try (SqliteJournal journal = SqliteJournal.open(dir)) {
            CommandReceipt first = journal.receive("c1", "stop", "web", T0);
            assertThat(first.firstTime()).isTrue();
            CommandReceipt repeat = journal.receive("c1", "stop", "web", T0.plusSeconds(1));
            assertThat(repeat.firstTime()).isFalse();
            assertThat(repeat.entry().finished()).isFalse();
            journal.finish("c1", false, "no such stack", T0.plusSeconds(2));
        }
        try (SqliteJournal reopened = SqliteJournal.open(dir)) {
            CommandReceipt afterRestart = reopened.receive("c1", "stop", "web", T0.plusSeconds(3));
            assertThat(afterRestart.firstTime()).isFalse();
            assertThat(afterRestart.entry()).satisfies(e -> {
                assertThat(e.ok()).isFalse();
                assertThat(e.error()).isEqualTo("no such stack");
                assertThat(e.receivedAt()).isEqualTo(T0);
                assertThat(e.finishedAt()).contains(T0.plusSeconds(2));
            });
        }
    }

    @Test
    void resultsAreSentUntilAcknowledgedAndAgainWhenTheControlPlaneAsksAgain() {
        try (SqliteJournal journal = SqliteJournal.open(dir)) {
            journal.receive("c1", "start", "web", T0);
            journal.receive("c2", "pause", "db", T0);
            journal.receive("c3", "backup", "db", T0);
            journal.finish("c2", true, "ignored for a success", T0.plusSeconds(1));
            journal.finish("c1", false, "image not found", T0.plusSeconds(2));
            journal.finish("c1", true, null, T0.plusSeconds(3));

            assertThat(journal.unacknowledged(10)).extracting(CommandEntry::id).containsExactly("c1", "c2");
            assertThat(journal.unacknowledged(10)).filteredOn(e -> e.id().equals("c1")).singleElement()
                    .satisfies(e -> assertThat(e.error()).as("the first result stays").isEqualTo("image not found"));
            assertThat(journal.unacknowledged(10)).filteredOn(e -> e.id().equals("c2")).singleElement()
                    .satisfies(e -> assertThat(e.error()).isNull());
            assertThat(journal.unacknowledged(1)).hasSize(1);

            journal.acknowledge(List.of("c1", "c3", "unknown"), T0.plusSeconds(4));
            assertThat(journal.unacknowledged(10)).extracting(CommandEntry::id).containsExactly("c2");
            assertThat(journal.unfinished()).extracting(CommandEntry::id).containsExactly("c3");

            journal.resend("c1");
            assertThat(journal.unacknowledged(10)).extracting(CommandEntry::id).containsExactly("c1", "c2");
        }
    }

    @Test
    void onlyAcknowledgedCommandsBeyondTheNewestTenThousandAreForgotten() {
        try (SqliteJournal journal = SqliteJournal.open(dir)) {
            journal.receive("open", "start", "web", T0);
            for (int i = 0; i < SqliteJournal.KEPT_COMMANDS + 5; i++) {
                journal.receive("c" + i, "stop", "web", T0);
                journal.finish("c" + i, true, null, T0);
            }
            journal.acknowledge(List.of("c0", "c1", "c2"), T0);
            assertThat(journal.receive("c0", "stop", "web", T0).firstTime()).as("forgotten").isTrue();
            assertThat(journal.receive("c3", "stop", "web", T0).firstTime()).as("never acknowledged").isFalse();
            assertThat(journal.receive("open", "start", "web", T0).firstTime()).isFalse();
        }
    }
}
