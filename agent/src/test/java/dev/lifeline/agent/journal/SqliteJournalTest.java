package dev.lifeline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.core.journal.IntentRecord;
import dev.lifeline.core.journal.JournalEvent;
import dev.lifeline.core.journal.JournalException;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.MarkerKind;
import dev.lifeline.core.journal.RunStart;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.StackName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.junit.jupiter.api.io.TempDir;

class SqliteJournalTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");

    @TempDir
    Path tmp;

    private static Instant t(long seconds) {
        return T0.plusSeconds(seconds);
    }

    private static StackName s(String name) {
        return StackName.of(name);
    }

    private Path dataDir() {
        return tmp.resolve("data");
    }

    private SqliteJournal open() {
        return SqliteJournal.open(dataDir());
    }

    @Test
    void fresh_journal_is_empty() {
        try (SqliteJournal journal = open()) {
            assertThat(journal.intents()).isEmpty();
            assertThat(journal.runningSet()).isEmpty();
            assertThat(journal.openMarkers()).isEmpty();
            assertThat(journal.recentEvents(10)).isEmpty();
            assertThat(journal.path()).isEqualTo(dataDir().toAbsolutePath().resolve("journal.db"));
        }
    }

    @Test
    void intents_round_trip_and_survive_reopen() {
        try (SqliteJournal journal = open()) {
            journal.setIntent(s("web"), Intent.RUNNING, "cli", t(1));
            journal.setIntent(s("db"), Intent.USER_STOPPED, "external stop", t(2));
            journal.setIntent(s("web"), Intent.USER_STOPPED, "api", t(3));
            assertThat(journal.intents()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    s("web"), new IntentRecord(s("web"), Intent.USER_STOPPED, "api", t(3)),
                    s("db"), new IntentRecord(s("db"), Intent.USER_STOPPED, "external stop", t(2))));
        }
        try (SqliteJournal journal = open()) {
            assertThat(journal.intents()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    s("web"), new IntentRecord(s("web"), Intent.USER_STOPPED, "api", t(3)),
                    s("db"), new IntentRecord(s("db"), Intent.USER_STOPPED, "external stop", t(2))));
            // instants round-trip exactly, to the nanosecond
            assertThat(journal.intents().get(s("db")).since()).isEqualTo(T0.plusSeconds(2));
        }
    }

    @Test
    void running_set_add_reports_only_new_stacks_and_survives_reopen() {
        try (SqliteJournal journal = open()) {
            assertThat(journal.addToRunningSet(Set.of(s("a"), s("b")), t(1))).containsExactlyInAnyOrder(s("a"), s("b"));
            assertThat(journal.addToRunningSet(Set.of(s("b"), s("c")), t(2))).containsExactly(s("c"));
            assertThat(journal.addToRunningSet(Set.of(), t(2))).isEmpty();
            journal.removeFromRunningSet(Set.of(s("a"), s("missing")), t(3));
            assertThat(journal.runningSet()).containsExactlyInAnyOrder(s("b"), s("c"));
        }
        try (SqliteJournal journal = open()) {
            assertThat(journal.runningSet()).containsExactlyInAnyOrder(s("b"), s("c"));
        }
    }

    @Test
    void markers_keep_their_order_and_stack_order_across_reopen() {
        Marker first = new Marker("m-1", MarkerKind.QUIESCE, "job-7", List.of(s("zeta"), s("alpha"), s("mid")),
                t(1), t(601));
        Marker second = new Marker("m-2", MarkerKind.STOP, "cli", List.of(s("b")), t(2), t(2));
        Marker third = new Marker("m-3", MarkerKind.START, "recovery", List.of(), t(3), t(3));
        try (SqliteJournal journal = open()) {
            journal.writeMarker(first);
            journal.writeMarker(second);
            journal.writeMarker(third);
            assertThat(journal.openMarkers()).containsExactly(first, second, third);
        }
        try (SqliteJournal journal = open()) {
            assertThat(journal.openMarkers()).containsExactly(first, second, third);
            journal.clearMarker("m-2", t(4));
            journal.clearMarker("never-written", t(4)); // no-op
            // rewriting keeps the marker's place and replaces its content
            Marker rewritten = new Marker("m-1", MarkerKind.QUIESCE, "job-7", List.of(s("mid")), t(1), t(900));
            journal.writeMarker(rewritten);
            assertThat(journal.openMarkers()).containsExactly(rewritten, third);
        }
        try (SqliteJournal journal = open()) {
            assertThat(journal.openMarkers()).extracting(Marker::id).containsExactly("m-1", "m-3");
            assertThat(journal.openMarkers().get(0).stacks()).containsExactly(s("mid"));
            // the cascade removed the stacks of the cleared marker
            assertThat(count("SELECT count(*) FROM marker_stacks")).isEqualTo(1);
        }
    }

    @Test
    void events_are_newest_first_with_fields_and_survive_reopen() {
        JournalEvent e1 = new JournalEvent(t(1), "stack_started", "web", Map.of("reason", "recovery", "n", "1"));
        JournalEvent e2 = new JournalEvent(t(2), "agent_started", null, Map.of());
        JournalEvent e3 = new JournalEvent(t(3), "stack_stopped", "db", Map.of("note", "quotes \" and = and ü"));
        try (SqliteJournal journal = open()) {
            journal.appendEvent(e1);
            journal.appendEvent(e2);
            journal.appendEvent(e3);
            assertThat(journal.recentEvents(10)).containsExactly(e3, e2, e1);
            assertThat(journal.recentEvents(2)).containsExactly(e3, e2);
            assertThat(journal.recentEvents(0)).isEmpty();
        }
        try (SqliteJournal journal = open()) {
            assertThat(journal.recentEvents(10)).containsExactly(e3, e2, e1);
        }
    }

    @Test
    void events_are_bounded_to_the_newest() {
        try (SqliteJournal journal = SqliteJournal.open(dataDir(), 5)) {
            for (int i = 0; i < 12; i++) {
                journal.appendEvent(new JournalEvent(t(i), "tick", "", Map.of("i", Integer.toString(i))));
            }
            assertThat(journal.recentEvents(100)).extracting(e -> e.fields().get("i"))
                    .containsExactly("11", "10", "9", "8", "7");
        }
        assertThat(count("SELECT count(*) FROM events")).isEqualTo(5);
    }

    @Test
    void default_event_bound_is_ten_thousand() {
        // the trimming itself is proven with a small bound above; 10,000 fsync'd appends would only add minutes
        try (SqliteJournal journal = open()) {
            assertThat(journal.maxEvents()).isEqualTo(10_000);
        }
    }

    @Test
    void first_run_has_no_previous() {
        try (SqliteJournal journal = open()) {
            RunStart start = journal.beginRun(t(0), 100, "boot-a");
            assertThat(start.previous()).isEmpty();
            assertThat(start.previousCrashed()).isFalse();
            assertThat(start.hostRebooted()).isFalse();
            assertThat(start.current().pid()).isEqualTo(100);
            assertThat(start.current().bootId()).isEqualTo("boot-a");
            assertThat(start.current().startedAt()).isEqualTo(t(0));
            assertThat(start.current().endedCleanly()).isFalse();
        }
    }

    @Test
    void run_without_clean_end_is_reported_as_crashed_and_boot_change_as_reboot() {
        long firstId;
        try (SqliteJournal journal = open()) {
            firstId = journal.beginRun(t(0), 100, "boot-a").current().id();
        } // no endRunCleanly: a crash
        long secondId;
        try (SqliteJournal journal = open()) {
            RunStart start = journal.beginRun(t(10), 200, "boot-a");
            assertThat(start.previous()).hasValueSatisfying(prev -> {
                assertThat(prev.id()).isEqualTo(firstId);
                assertThat(prev.pid()).isEqualTo(100);
                assertThat(prev.startedAt()).isEqualTo(t(0));
                assertThat(prev.cleanShutdownAt()).isEmpty();
            });
            assertThat(start.previousCrashed()).isTrue();
            assertThat(start.hostRebooted()).isFalse();
            secondId = start.current().id();
            assertThat(secondId).isGreaterThan(firstId);
            journal.endRunCleanly(secondId, t(20));
        }
        try (SqliteJournal journal = open()) {
            RunStart start = journal.beginRun(t(30), 300, "boot-b");
            assertThat(start.previous()).hasValueSatisfying(prev -> {
                assertThat(prev.id()).isEqualTo(secondId);
                assertThat(prev.cleanShutdownAt()).contains(t(20));
            });
            assertThat(start.previousCrashed()).isFalse();
            assertThat(start.hostRebooted()).isTrue();
        }
    }

    @Test
    void ending_an_unknown_run_is_refused() {
        try (SqliteJournal journal = open()) {
            assertThatThrownBy(() -> journal.endRunCleanly(42, t(0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("42");
        }
    }

    @Test
    void files_are_private() throws Exception {
        try (SqliteJournal journal = open()) {
            journal.setIntent(s("web"), Intent.RUNNING, "cli", t(1)); // makes SQLite create -wal and -shm
            assertThat(mode(dataDir())).isEqualTo("rwx------");
            assertThat(mode(dataDir().resolve("journal.db"))).isEqualTo("rw-------");
            assertThat(dataDir().resolve("journal.db-wal")).exists();
            assertThat(mode(dataDir().resolve("journal.db-wal"))).isEqualTo("rw-------");
            assertThat(mode(dataDir().resolve("journal.db-shm"))).isEqualTo("rw-------");
        }
    }

    @Test
    void an_existing_journal_file_with_loose_mode_is_tightened() throws Exception {
        try (SqliteJournal journal = open()) {
            journal.setIntent(s("web"), Intent.RUNNING, "cli", t(1));
        }
        Files.setPosixFilePermissions(dataDir().resolve("journal.db"), PosixFilePermissions.fromString("rw-r--r--"));
        try (SqliteJournal journal = open()) {
            assertThat(mode(dataDir().resolve("journal.db"))).isEqualTo("rw-------");
            assertThat(journal.intents()).containsKey(s("web"));
        }
    }

    @Test
    void wal_mode_full_sync_foreign_keys_and_schema_version_are_really_set() throws Exception {
        try (SqliteJournal journal = open()) {
            journal.setIntent(s("web"), Intent.RUNNING, "cli", t(1));
            // the connection's own settings, read through the journal's connection
            assertThat(pragmaOf(journal, "journal_mode")).isEqualTo("wal");
            assertThat(pragmaOf(journal, "synchronous")).isEqualTo("2"); // FULL
            assertThat(pragmaOf(journal, "foreign_keys")).isEqualTo("1");
            assertThat(Long.parseLong(pragmaOf(journal, "busy_timeout"))).isPositive();
        }
        // persistent settings, read from the file by an independent connection
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir().resolve("journal.db"));
                Statement st = c.createStatement()) {
            assertThat(single(st, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(single(st, "PRAGMA user_version")).isEqualTo(Integer.toString(SqliteJournal.SCHEMA_VERSION));
            assertThat(single(st, "PRAGMA application_id")).isEqualTo(Integer.toString(SqliteJournal.APPLICATION_ID));
        }
        assertThat(SqliteJournal.SCHEMA_VERSION).isEqualTo(SqliteJournal.MIGRATIONS.size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void a_journal_from_a_newer_lifeline_is_refused_not_quarantined() throws Exception {
        try (SqliteJournal journal = open()) {
            journal.setIntent(s("web"), Intent.RUNNING, "cli", t(1));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir().resolve("journal.db"));
                Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = " + (SqliteJournal.SCHEMA_VERSION + 1));
        }
        assertThatThrownBy(this::open).isInstanceOf(JournalException.class)
                .isNotInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(dataDir().resolve("journal.db").toString())
                .hasMessageContaining("schema version " + (SqliteJournal.SCHEMA_VERSION + 1))
                .hasMessageContaining("newer Lifeline");
        assertThatThrownBy(() -> JournalOpener.open(dataDir())).isInstanceOf(JournalException.class)
                .isNotInstanceOf(JournalCorruptException.class);
        // nothing was moved aside, the data is intact
        assertThat(names(dataDir())).noneMatch(n -> n.contains("corrupt"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir().resolve("journal.db"));
                Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT stack FROM intents")).isEqualTo("web");
        }
    }

    @Test
    void a_data_dir_that_cannot_be_created_is_a_clear_error_not_a_quarantine() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> JournalOpener.open(file.resolve("data")))
                .isInstanceOf(JournalException.class)
                .isNotInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(file.resolve("data").toString())
                .hasMessageContaining("writable");
    }

    @Test
    void closed_journal_refuses_use_and_close_is_idempotent() {
        SqliteJournal journal = open();
        journal.close();
        journal.close();
        assertThatThrownBy(journal::runningSet).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void concurrent_writers_are_serialised_and_nothing_is_lost() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (SqliteJournal journal = open()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                int n = thread;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        StackName stack = s("t" + n + "-" + i);
                        journal.addToRunningSet(Set.of(stack), t(i));
                        journal.setIntent(stack, Intent.RUNNING, "test", t(i));
                        journal.appendEvent(new JournalEvent(t(i), "e", stack.value(), Map.of()));
                        journal.runningSet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            assertThat(journal.runningSet()).hasSize(200);
            assertThat(journal.intents()).hasSize(200);
            assertThat(journal.recentEvents(1000)).hasSize(200);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sqlite_errors_are_classified_into_corruption_or_an_actionable_error() {
        Path file = dataDir().resolve("journal.db");
        assertThat(SqliteJournal.classify(file, "write", new SQLiteException("x", SQLiteErrorCode.SQLITE_CORRUPT)))
                .isInstanceOf(JournalCorruptException.class);
        assertThat(SqliteJournal.classify(file, "write", new SQLiteException("x", SQLiteErrorCode.SQLITE_NOTADB)))
                .isInstanceOf(JournalCorruptException.class);
        assertThat(SqliteJournal.classify(file, "write", new SQLiteException("x", SQLiteErrorCode.SQLITE_FULL)))
                .isNotInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("is full");
        assertThat(SqliteJournal.classify(file, "open", new SQLiteException("x", SQLiteErrorCode.SQLITE_READONLY)))
                .isNotInstanceOf(JournalCorruptException.class).hasMessageContaining("writable");
        assertThat(SqliteJournal.classify(file, "open", new SQLiteException("x", SQLiteErrorCode.SQLITE_CANTOPEN)))
                .isNotInstanceOf(JournalCorruptException.class).hasMessageContaining("--data-dir");
    }

    // ---- helpers ----

    private long count(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir().resolve("journal.db"));
                Statement st = c.createStatement()) {
            return Long.parseLong(single(st, sql));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String single(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static String pragmaOf(SqliteJournal journal, String pragma) {
        return journal.pragma(pragma);
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    static List<String> names(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aQuiesceMarkerKeepsHowEachStackWasQuiescedAcrossReopen() {
        Map<StackName, dev.lifeline.core.journal.QuiescedStack> detail = Map.of(
                s("db"), new dev.lifeline.core.journal.QuiescedStack(dev.lifeline.core.policy.QuiesceMode.PAUSE,
                        List.of("db-1", "db-2"), List.of(new dev.lifeline.core.backup.Hook("db-1",
                                List.of("psql", "-c", "SELECT 1")))),
                s("web"), new dev.lifeline.core.journal.QuiescedStack(dev.lifeline.core.policy.QuiesceMode.STOP,
                        List.of("web"), List.of()));
        try (SqliteJournal j = open()) {
            j.writeMarker(new Marker("job-1", MarkerKind.QUIESCE, "backup job-1", List.of(s("web"), s("db")), t(0),
                    t(300), detail));
        }
        try (SqliteJournal j = open()) {
            Marker m = j.openMarkers().get(0);
            assertThat(m.quiesced()).isEqualTo(detail);
            assertThat(m.stacks()).containsExactly(s("web"), s("db"));
        }
    }

    @Test
    void backupJobsAreKeptFoundByStackAndTheUnfinishedOnesListed() {
        try (SqliteJournal j = open()) {
            j.saveJob(new dev.lifeline.core.backup.JobRecord("j1", t(0), dev.lifeline.core.backup.JobPhase.DONE,
                    List.of(s("db"), s("web")), java.util.Optional.of(t(5)), "{\"a\":1}"));
            j.saveJob(new dev.lifeline.core.backup.JobRecord("j2", t(10), dev.lifeline.core.backup.JobPhase.UPLOADING,
                    List.of(s("web")), java.util.Optional.empty(), "{\"a\":2}"));
            j.saveJob(new dev.lifeline.core.backup.JobRecord("j2", t(10), dev.lifeline.core.backup.JobPhase.UPLOADING,
                    List.of(s("web")), java.util.Optional.empty(), "{\"a\":3}"));
        }
        try (SqliteJournal j = open()) {
            assertThat(j.job("j2").orElseThrow().document()).isEqualTo("{\"a\":3}");
            assertThat(j.jobs(java.util.Optional.empty(), 10)).extracting(dev.lifeline.core.backup.JobRecord::id)
                    .containsExactly("j2", "j1");
            assertThat(j.jobs(java.util.Optional.of(s("db")), 10)).extracting(dev.lifeline.core.backup.JobRecord::id)
                    .containsExactly("j1");
            assertThat(j.jobs(java.util.Optional.of(s("web")), 1)).extracting(dev.lifeline.core.backup.JobRecord::id)
                    .containsExactly("j2");
            assertThat(j.unfinishedJobs()).extracting(dev.lifeline.core.backup.JobRecord::id).containsExactly("j2");
            assertThat(j.job("j1").orElseThrow().stacks()).containsExactly(s("db"), s("web"));
            assertThat(j.job("nope")).isEmpty();
        }
    }
}
