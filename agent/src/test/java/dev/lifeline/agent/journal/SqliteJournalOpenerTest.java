package dev.lifeline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lifeline.core.journal.JournalEvent;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.StackName;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SqliteJournalOpenerTest {
    private static final Instant NOW = Instant.parse("2026-05-04T03:02:01.999Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String QUARANTINE_NAME = "journal.db.corrupt-20260504T030201Z";

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("journal.db");
    }

    private JournalOpener.Result openWithOpener() {
        return JournalOpener.open(dir, SqliteJournal.DEFAULT_MAX_EVENTS, CLOCK);
    }

    /** A real journal with enough rows to span many pages, closed (so fully checkpointed into journal.db). */
    private void writeRealJournal() {
        try (SqliteJournal journal = SqliteJournal.open(dir)) {
            journal.setIntent(StackName.of("web"), Intent.RUNNING, "cli", NOW);
            journal.addToRunningSet(Set.of(StackName.of("web")), NOW);
            for (int i = 0; i < 80; i++) {
                journal.appendEvent(new JournalEvent(NOW, "tick", "web", Map.of("i", "value-" + i + "-".repeat(300))));
            }
        }
        assertThat(db().resolveSibling("journal.db-wal")).doesNotExist();
    }

    @Test
    void a_healthy_journal_is_opened_as_is() {
        writeRealJournal();
        JournalOpener.Result result = openWithOpener();
        try (SqliteJournal journal = result.journal()) {
            assertThat(result.rebuilt()).isFalse();
            assertThat(result.quarantinedTo()).isEmpty();
            assertThat(result.reason()).isEmpty();
            assertThat(journal.runningSet()).containsExactly(StackName.of("web"));
        }
    }

    @Test
    void a_missing_journal_is_created_not_rebuilt() {
        JournalOpener.Result result = openWithOpener();
        try (SqliteJournal journal = result.journal()) {
            assertThat(result.rebuilt()).isFalse();
            assertThat(journal.intents()).isEmpty();
        }
    }

    @Test
    void garbage_bytes_are_quarantined() throws Exception {
        byte[] garbage = new byte[8192];
        new Random(7).nextBytes(garbage);
        Files.write(db(), garbage);
        assertQuarantinedAndRebuilt(garbage);
    }

    @Test
    void quarantine_is_logged_as_exactly_one_key_value_line() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(JournalOpener.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            Files.write(db(), "not a db".repeat(100).getBytes());
            openWithOpener().journal().close();
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list).hasSize(1);
        String line = appender.list.get(0).getFormattedMessage();
        assertThat(line).doesNotContain("\n")
                .startsWith("event=journal_quarantined path=" + db() + " moved_to=" + dir.resolve(QUARANTINE_NAME)
                        + " reason=\"")
                .contains("not a database");
        assertThat(line.lines()).hasSize(1);
        assertThat(appender.list.get(0).getLevel()).isEqualTo(Level.ERROR);
    }

    @Test
    void a_text_file_is_quarantined() throws Exception {
        byte[] text = "this is not a database\n".repeat(100).getBytes();
        Files.write(db(), text);
        assertQuarantinedAndRebuilt(text);
    }

    @Test
    void a_truncated_journal_is_quarantined() throws Exception {
        writeRealJournal();
        long size = Files.size(db());
        try (RandomAccessFile file = new RandomAccessFile(db().toFile(), "rw")) {
            file.setLength(size / 2 + 100); // mid-page
        }
        assertQuarantinedAndRebuilt(Files.readAllBytes(db()));
    }

    @Test
    void a_journal_truncated_inside_its_header_is_quarantined() throws Exception {
        writeRealJournal();
        try (RandomAccessFile file = new RandomAccessFile(db().toFile(), "rw")) {
            file.setLength(50);
        }
        assertQuarantinedAndRebuilt(Files.readAllBytes(db()));
    }

    @Test
    void an_unrelated_sqlite_database_is_quarantined() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
            st.execute("INSERT INTO customers (name) VALUES ('acme')");
        }
        byte[] before = Files.readAllBytes(db());
        JournalOpener.Result result = assertQuarantinedAndRebuilt(before);
        assertThat(result.reason()).contains("not a Lifeline journal").contains("customers");
    }

    @Test
    void a_journal_with_a_schema_table_dropped_is_quarantined() throws Exception {
        writeRealJournal();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE running_set");
        }
        JournalOpener.Result result = assertQuarantinedAndRebuilt(null);
        assertThat(result.reason()).contains("running_set");
    }

    @Test
    void overwritten_page_data_fails_integrity_check_and_is_quarantined() throws Exception {
        writeRealJournal();
        int pageSize;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
                Statement st = c.createStatement();
                var rs = st.executeQuery("PRAGMA page_size")) {
            pageSize = rs.getInt(1);
        }
        long pages = Files.size(db()) / pageSize;
        assertThat(pages).isGreaterThan(8);
        // Scribble over the cell area of every page but the first: the header and schema (page 1) stay valid, so
        // SQLite opens the file and only the integrity check (or the first read) finds the damage.
        try (RandomAccessFile file = new RandomAccessFile(db().toFile(), "rw")) {
            byte[] scribble = new byte[pageSize - 200];
            Arrays.fill(scribble, (byte) 0x5A);
            for (long page = 1; page < pages; page++) {
                file.seek(page * pageSize + 100);
                file.write(scribble);
            }
        }
        // strict open calls it corrupt, never a plain JournalException
        assertThatThrownBy(() -> SqliteJournal.open(dir)).isInstanceOf(JournalCorruptException.class);
        assertQuarantinedAndRebuilt(Files.readAllBytes(db()));
    }

    @Test
    void a_stale_wal_is_moved_with_its_database() throws Exception {
        Files.write(db(), "garbage".repeat(600).getBytes());
        Files.write(dir.resolve("journal.db-wal"), "wal garbage".getBytes());
        Files.write(dir.resolve("journal.db-shm"), "shm garbage".getBytes());
        JournalOpener.Result result = openWithOpener();
        try (SqliteJournal journal = result.journal()) {
            assertThat(result.rebuilt()).isTrue();
            assertThat(dir.resolve(QUARANTINE_NAME + "-wal")).hasContent("wal garbage");
            // the -shm is only SQLite's index of the WAL, which SQLite may rewrite: it moves along, content aside
            assertThat(dir.resolve(QUARANTINE_NAME + "-shm")).exists();
            journal.setIntent(StackName.of("a"), Intent.RUNNING, "cli", NOW);
        }
    }

    @Test
    void a_second_corruption_in_the_same_second_gets_its_own_name() throws Exception {
        Files.write(db(), "garbage".repeat(600).getBytes());
        openWithOpener().journal().close();
        Files.write(db(), "other garbage".repeat(600).getBytes());
        JournalOpener.Result second = openWithOpener();
        second.journal().close();
        assertThat(second.quarantinedTo()).contains(dir.resolve(QUARANTINE_NAME + "-1"));
        assertThat(dir.resolve(QUARANTINE_NAME)).exists();
        assertThat(dir.resolve(QUARANTINE_NAME + "-1")).exists();
    }

    /** Opens through the opener and checks: moved aside intact (when expected), reported, fresh and working. */
    private JournalOpener.Result assertQuarantinedAndRebuilt(byte[] expectedQuarantinedBytes) throws Exception {
        JournalOpener.Result result = openWithOpener();
        try (SqliteJournal journal = result.journal()) {
            assertThat(result.rebuilt()).isTrue();
            assertThat(result.reason()).isNotBlank();
            assertThat(result.quarantinedTo()).contains(dir.resolve(QUARANTINE_NAME));
            Path moved = result.quarantinedTo().orElseThrow();
            assertThat(moved).exists();
            if (expectedQuarantinedBytes != null) {
                assertThat(Files.readAllBytes(moved)).isEqualTo(expectedQuarantinedBytes);
            }
            // fresh and fully working
            assertThat(journal.intents()).isEmpty();
            assertThat(journal.runningSet()).isEmpty();
            assertThat(journal.recentEvents(10)).isEmpty();
            journal.setIntent(StackName.of("web"), Intent.USER_STOPPED, "cli", NOW);
            assertThat(journal.beginRun(NOW, 1, "boot").previous()).isEmpty();
        }
        try (SqliteJournal reopened = SqliteJournal.open(dir)) {
            assertThat(reopened.intents()).containsKey(StackName.of("web"));
        }
        assertThat(dir.resolve(QUARANTINE_NAME)).exists();
        return result;
    }
}
