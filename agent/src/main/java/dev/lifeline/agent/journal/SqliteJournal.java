package dev.lifeline.agent.journal;

import dev.lifeline.core.log.KeyValues;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.core.backup.JobLedger;
import dev.lifeline.core.backup.JobPhase;
import dev.lifeline.core.backup.JobRecord;
import dev.lifeline.core.journal.AgentRun;
import dev.lifeline.core.journal.CommandEntry;
import dev.lifeline.core.journal.CommandLedger;
import dev.lifeline.core.journal.CommandReceipt;
import dev.lifeline.core.journal.IntentRecord;
import dev.lifeline.core.journal.Journal;
import dev.lifeline.core.journal.JournalEvent;
import dev.lifeline.core.journal.JournalException;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.MarkerKind;
import dev.lifeline.core.journal.RunStart;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.StackName;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's journal: one SQLite file ({@code journal.db}) in the data directory, in WAL mode with
 * {@code synchronous=FULL}, so every committed write is fsync'd before the method returns.
 *
 * <p>One connection, guarded by a lock: the journal is small and written rarely, so serialising callers costs
 * nothing and rules out SQLITE_BUSY between our own threads. Instants are stored as ISO-8601 text
 * ({@link Instant#toString()}), which round-trips to the nanosecond and stays readable in forensic copies.
 *
 * <p>{@link #open} is strict: a damaged or foreign file raises {@link JournalCorruptException}. The agent should use
 * {@link JournalOpener}, which moves such a file aside and starts a fresh journal.
 */
public final class SqliteJournal implements Journal, JobLedger, CommandLedger {
    private static final Logger log = LoggerFactory.getLogger(SqliteJournal.class);

    public static final String FILE_NAME = "journal.db";
    /** Written in the SQLite header ("LFLN") so a foreign database is never mistaken for a journal. */
    public static final int APPLICATION_ID = 0x4C464C4E;
    public static final int DEFAULT_MAX_EVENTS = 10_000;
    static final int MAX_RUNS = 1_000;
    static final int BUSY_TIMEOUT_MILLIS = 5_000;

    /** Made with the first event, not when the journal opens (which is on the way to every recovery). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
    private static final TypeReference<Map<String, String>> FIELDS_TYPE = new TypeReference<>() {};

    /** Ordered schema migrations; element i brings the schema from version i to version i + 1. */
    static final List<List<String>> MIGRATIONS = List.of(
            // v1
            List.of("""
                    CREATE TABLE agent_runs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        started_at TEXT NOT NULL,
                        pid INTEGER NOT NULL,
                        boot_id TEXT NOT NULL,
                        clean_shutdown_at TEXT)""", """
                    CREATE TABLE intents (
                        stack TEXT PRIMARY KEY,
                        intent TEXT NOT NULL CHECK (intent IN ('running', 'user-stopped')),
                        reason TEXT NOT NULL,
                        since TEXT NOT NULL)""", """
                    CREATE TABLE running_set (
                        stack TEXT PRIMARY KEY,
                        since TEXT NOT NULL)""", """
                    CREATE TABLE markers (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        owner TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        deadline TEXT NOT NULL)""", """
                    CREATE TABLE marker_stacks (
                        marker_seq INTEGER NOT NULL REFERENCES markers (seq) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        stack TEXT NOT NULL,
                        PRIMARY KEY (marker_seq, position))""", """
                    CREATE TABLE events (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        stack TEXT NOT NULL,
                        fields TEXT NOT NULL)"""),
            // v2: facts about the host the agent keeps across runs (the boot id recovery last completed for)
            List.of("""
                    CREATE TABLE host_facts (
                        key TEXT PRIMARY KEY,
                        value TEXT NOT NULL,
                        updated_at TEXT NOT NULL)"""),
            // v3: backups: how each stack of a quiesce marker was quiesced, and the record of every backup job
            List.of("ALTER TABLE markers ADD COLUMN detail TEXT NOT NULL DEFAULT '{}'", """
                    CREATE TABLE backup_jobs (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        created_at TEXT NOT NULL,
                        phase TEXT NOT NULL,
                        finished_at TEXT,
                        document TEXT NOT NULL)""", """
                    CREATE TABLE backup_job_stacks (
                        job_seq INTEGER NOT NULL REFERENCES backup_jobs (seq) ON DELETE CASCADE,
                        stack TEXT NOT NULL,
                        PRIMARY KEY (job_seq, stack))""", """
                    CREATE INDEX backup_job_stacks_stack ON backup_job_stacks (stack, job_seq)"""),
            // v4: the control plane's commands, recorded before they are applied (an id is applied at most once)
            List.of("""
                    CREATE TABLE control_commands (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        stack TEXT NOT NULL,
                        received_at TEXT NOT NULL,
                        finished_at TEXT,
                        ok INTEGER NOT NULL DEFAULT 0,
                        error TEXT,
                        acknowledged_at TEXT)"""));

    public static final int SCHEMA_VERSION = MIGRATIONS.size();

    /** Each table the code reads, with the columns it reads: probed at open to detect a damaged schema. */
    private static final Map<String, String> REQUIRED_COLUMNS = Map.of(
            "agent_runs", "id, started_at, pid, boot_id, clean_shutdown_at",
            "intents", "stack, intent, reason, since",
            "running_set", "stack, since",
            "markers", "seq, id, kind, owner, created_at, deadline, detail",
            "marker_stacks", "marker_seq, position, stack",
            "events", "id, at, kind, stack, fields",
            "host_facts", "key, value, updated_at",
            "backup_jobs", "seq, id, created_at, phase, finished_at, document",
            "backup_job_stacks", "job_seq, stack",
            "control_commands", "seq, id, kind, stack, received_at, finished_at, ok, error, acknowledged_at");

    private final Path path;
    private final int maxEvents;
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection;

    private SqliteJournal(Path path, Connection connection, int maxEvents) {
        this.path = path;
        this.connection = connection;
        this.maxEvents = maxEvents;
    }

    /** Opens (creating if needed) {@code DATA_DIR/journal.db}, keeping the newest 10,000 events. */
    public static SqliteJournal open(Path dataDir) {
        return open(dataDir, DEFAULT_MAX_EVENTS);
    }

    /**
     * Opens (creating if needed) {@code DATA_DIR/journal.db}.
     *
     * @throws JournalCorruptException the file is damaged or not a Lifeline journal (a fresh file would fix it)
     * @throws JournalException        anything else: unwritable directory, full disk, schema from a newer Lifeline
     */
    public static SqliteJournal open(Path dataDir, int maxEvents) {
        return open(dataDir, maxEvents, corrupt -> { });
    }

    /**
     * Like {@link #open(Path, int)}, but on corruption calls {@code beforeClose} while SQLite still has the file open.
     * Closing lets SQLite delete a {@code -wal} it could not use, so whoever keeps the files for forensics must move
     * them aside first (Linux lets us rename open files).
     */
    static SqliteJournal open(Path dataDir, int maxEvents, Consumer<JournalCorruptException> beforeClose) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be positive: " + maxEvents);
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE_NAME);
        try {
            PrivateFiles.ensureDirectory(dir);
            NativeSqlite.prepare(dir);
            if (PrivateFiles.ensureFile(file)) {
                // A WAL left without its database would be replayed into the new, empty one: drop it.
                for (String suffix : new String[] {"-wal", "-shm"}) {
                    Path stale = file.resolveSibling(FILE_NAME + suffix);
                    if (java.nio.file.Files.deleteIfExists(stale)) {
                        log.warn(KeyValues.line("event", "journal_stale_side_file_removed", "path", stale));
                    }
                }
            }
        } catch (IOException e) {
            throw new JournalException("cannot create the journal " + file + ": " + e
                    + "; check that the data directory " + dir + " exists, is writable by this user and the disk"
                    + " is not full, or choose another one with --data-dir or LIFELINE_DATA_DIR", e);
        }
        Connection connection;
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        } catch (SQLException e) {
            throw classify(file, "open", e);
        }
        try {
            int version = prepare(file, connection);
            migrate(file, connection, version);
            SqliteJournal journal = new SqliteJournal(file, connection, maxEvents);
            journal.tightenPermissions();
            log.info(KeyValues.line("event", "journal_opened", "path", file, "schema_version", SCHEMA_VERSION,
                    "migrated_from", version));
            return journal;
        } catch (SQLException | RuntimeException e) {
            RuntimeException failure = e instanceof SQLException sql ? classify(file, "open", sql)
                    : (RuntimeException) e;
            try {
                if (failure instanceof JournalCorruptException corrupt) {
                    beforeClose.accept(corrupt);
                }
            } finally {
                closeQuietly(connection);
            }
            throw failure;
        }
    }

    /** Checks the file is a healthy journal (or empty), sets the connection up, and returns its schema version. */
    private static int prepare(Path file, Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            s.execute("PRAGMA foreign_keys = ON");
        }
        int applicationId = queryInt(c, "PRAGMA application_id");
        int version = queryInt(c, "PRAGMA user_version");
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM sqlite_schema WHERE type = 'table'"
                        + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        boolean empty = applicationId == 0 && version == 0 && tables.isEmpty();
        if (!empty && applicationId != APPLICATION_ID) {
            throw new JournalCorruptException(file, "not a Lifeline journal (application_id=" + applicationId
                    + " user_version=" + version + " tables=" + tables + ")", null);
        }
        if (version == 0 && !tables.isEmpty()) {
            throw new JournalCorruptException(file, "journal has tables " + tables + " but no schema version", null);
        }
        if (version > SCHEMA_VERSION) {
            throw new JournalException("journal " + file + " has schema version " + version
                    + " but this Lifeline build only knows versions up to " + SCHEMA_VERSION
                    + ": it was written by a newer Lifeline. Run that newer version again, or move " + file
                    + " aside to start with an empty journal (intents and the running set will be rebuilt from the"
                    + " engine)", null);
        }
        List<String> problems = integrityProblems(c);
        if (!problems.isEmpty()) {
            throw new JournalCorruptException(file, "integrity_check failed: " + String.join("; ", problems), null);
        }
        if (version >= 1) {
            for (Map.Entry<String, String> table : new TreeMap<>(REQUIRED_COLUMNS).entrySet()) {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT " + table.getValue() + " FROM " + table.getKey() + " LIMIT 0").close();
                } catch (SQLException e) {
                    if (isCorruption(e)) {
                        throw e;
                    }
                    throw new JournalCorruptException(file, "schema table " + table.getKey()
                            + " missing or damaged: " + e.getMessage(), e);
                }
            }
        }
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                String mode = rs.next() ? rs.getString(1) : "";
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new JournalException("cannot switch journal " + file + " to WAL mode (got '" + mode
                            + "'); the data directory must be on a local filesystem that supports shared memory"
                            + " (not NFS); choose another one with --data-dir or LIFELINE_DATA_DIR", null);
                }
            }
            s.execute("PRAGMA synchronous = FULL");
        }
        return version;
    }

    private static List<String> integrityProblems(Connection c) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check(5)")) {
            while (rs.next()) {
                String line = rs.getString(1);
                if (!"ok".equalsIgnoreCase(line)) {
                    problems.add(line);
                }
            }
        }
        return problems;
    }

    private static void migrate(Path file, Connection c, int from) throws SQLException {
        for (int version = from + 1; version <= SCHEMA_VERSION; version++) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : MIGRATIONS.get(version - 1)) {
                    s.execute(sql);
                }
                if (version == 1) {
                    s.execute("PRAGMA application_id = " + APPLICATION_ID);
                }
                s.execute("PRAGMA user_version = " + version);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            log.info(KeyValues.line("event", "journal_migrated", "path", file, "schema_version", version));
        }
    }

    public Path path() {
        return path;
    }

    /** How many events are kept (the newest). */
    public int maxEvents() {
        return maxEvents;
    }

    // ---- runs ---------------------------------------------------------------------------------------------------

    @Override
    public RunStart beginRun(Instant now, long pid, String bootId) {
        return write("begin run", c -> {
            Optional<AgentRun> previous = Optional.empty();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id, started_at, pid, boot_id, clean_shutdown_at"
                            + " FROM agent_runs ORDER BY id DESC LIMIT 1")) {
                if (rs.next()) {
                    previous = Optional.of(run(rs));
                }
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO agent_runs (started_at, pid, boot_id) VALUES (?, ?, ?)")) {
                ps.setString(1, now.toString());
                ps.setLong(2, pid);
                ps.setString(3, bootId);
                ps.executeUpdate();
            }
            id = queryLong(c, "SELECT last_insert_rowid()");
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM agent_runs WHERE id <= ?")) {
                ps.setLong(1, id - MAX_RUNS);
                ps.executeUpdate();
            }
            return new RunStart(new AgentRun(id, now, pid, bootId, Optional.empty()), previous);
        });
    }

    @Override
    public void endRunCleanly(long runId, Instant now) {
        write("end run", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE agent_runs SET clean_shutdown_at = ? WHERE id = ?")) {
                ps.setString(1, now.toString());
                ps.setLong(2, runId);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalArgumentException("no agent run with id " + runId + " in journal " + path);
                }
            }
            return null;
        });
    }

    private static AgentRun run(ResultSet rs) throws SQLException {
        String clean = rs.getString(5);
        return new AgentRun(rs.getLong(1), instant(rs.getString(2)), rs.getLong(3), rs.getString(4),
                clean == null ? Optional.empty() : Optional.of(instant(clean)));
    }

    // ---- intents ------------------------------------------------------------------------------------------------

    @Override
    public Map<StackName, IntentRecord> intents() {
        return read("read intents", c -> {
            Map<StackName, IntentRecord> out = new TreeMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT stack, intent, reason, since FROM intents")) {
                while (rs.next()) {
                    StackName stack = StackName.of(rs.getString(1));
                    out.put(stack, new IntentRecord(stack, Intent.fromWire(rs.getString(2)), rs.getString(3),
                            instant(rs.getString(4))));
                }
            }
            return out;
        });
    }

    /** Replaces the stack's intent record; {@code since} becomes {@code now} even when the intent is unchanged. */
    @Override
    public void setIntent(StackName stack, Intent intent, String reason, Instant now) {
        write("set intent", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO intents (stack, intent, reason, since)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (stack) DO UPDATE SET intent = excluded.intent,"
                    + " reason = excluded.reason, since = excluded.since")) {
                ps.setString(1, stack.value());
                ps.setString(2, intent.wireName());
                ps.setString(3, reason == null ? "" : reason);
                ps.setString(4, now.toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---- host facts ---------------------------------------------------------------------------------------------

    private static final String RECOVERED_BOOT_ID = "recovered_boot_id";

    @Override
    public Optional<String> recoveredBootId() {
        return read("read recovered boot id", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM host_facts WHERE key = ?")) {
                ps.setString(1, RECOVERED_BOOT_ID);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public void recordRecoveryComplete(String bootId, Instant now) {
        write("record recovery complete", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO host_facts (key, value, updated_at) "
                    + "VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                    + "updated_at = excluded.updated_at")) {
                ps.setString(1, RECOVERED_BOOT_ID);
                ps.setString(2, bootId);
                ps.setString(3, now.toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---- running set --------------------------------------------------------------------------------------------

    @Override
    public Set<StackName> runningSet() {
        return read("read running set", c -> {
            Set<StackName> out = new TreeSet<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT stack FROM running_set")) {
                while (rs.next()) {
                    out.add(StackName.of(rs.getString(1)));
                }
            }
            return out;
        });
    }

    @Override
    public Set<StackName> addToRunningSet(Set<StackName> stacks, Instant now) {
        if (stacks.isEmpty()) {
            return Set.of();
        }
        return write("add to running set", c -> {
            Set<StackName> added = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO running_set (stack, since) VALUES (?, ?) ON CONFLICT (stack) DO NOTHING")) {
                for (StackName stack : new TreeSet<>(stacks)) {
                    ps.setString(1, stack.value());
                    ps.setString(2, now.toString());
                    if (ps.executeUpdate() == 1) {
                        added.add(stack);
                    }
                }
            }
            return Set.copyOf(added);
        });
    }

    @Override
    public void removeFromRunningSet(Set<StackName> stacks, Instant now) {
        if (stacks.isEmpty()) {
            return;
        }
        write("remove from running set", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM running_set WHERE stack = ?")) {
                for (StackName stack : stacks) {
                    ps.setString(1, stack.value());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    // ---- markers ------------------------------------------------------------------------------------------------

    /** Open markers in the order they were first written, each with its stacks in their original order. */
    @Override
    public List<Marker> openMarkers() {
        return read("read markers", c -> {
            Map<Long, Marker> bySeq = new LinkedHashMap<>();
            Map<Long, List<StackName>> stacks = new LinkedHashMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT ms.marker_seq, ms.stack FROM marker_stacks ms"
                            + " ORDER BY ms.marker_seq, ms.position")) {
                while (rs.next()) {
                    stacks.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(StackName.of(rs.getString(2)));
                }
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT seq, id, kind, owner, created_at, deadline, detail"
                            + " FROM markers ORDER BY seq")) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    bySeq.put(seq, new Marker(rs.getString(2), MarkerKind.valueOf(rs.getString(3)), rs.getString(4),
                            stacks.getOrDefault(seq, List.of()), instant(rs.getString(5)),
                            instant(rs.getString(6)), MarkerDetail.read(rs.getString(7))));
                }
            }
            return List.copyOf(bySeq.values());
        });
    }

    /** Writes the marker; rewriting an open marker's id replaces its content and keeps its place in the order. */
    @Override
    public void writeMarker(Marker marker) {
        write("write marker", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO markers (id, kind, owner, created_at, deadline,"
                    + " detail) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,"
                    + " owner = excluded.owner, created_at = excluded.created_at, deadline = excluded.deadline,"
                    + " detail = excluded.detail")) {
                ps.setString(1, marker.id());
                ps.setString(2, marker.kind().name());
                ps.setString(3, marker.owner());
                ps.setString(4, marker.createdAt().toString());
                ps.setString(5, marker.deadline().toString());
                ps.setString(6, MarkerDetail.write(marker.quiesced()));
                ps.executeUpdate();
            }
            long seq;
            try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM markers WHERE id = ?")) {
                ps.setString(1, marker.id());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM marker_stacks WHERE marker_seq = ?")) {
                ps.setLong(1, seq);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO marker_stacks (marker_seq, position, stack) VALUES (?, ?, ?)")) {
                int position = 0;
                for (StackName stack : marker.stacks()) {
                    ps.setLong(1, seq);
                    ps.setInt(2, position++);
                    ps.setString(3, stack.value());
                    ps.executeUpdate();
                }
            }
            return null;
        });
        log.debug(KeyValues.line("event", "marker_written", "id", marker.id(), "kind", marker.kind(),
                "owner", marker.owner(), "stacks", marker.stacks()));
    }

    @Override
    public void clearMarker(String markerId, Instant now) {
        int cleared = write("clear marker", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM markers WHERE id = ?")) {
                ps.setString(1, markerId);
                return ps.executeUpdate();
            }
        });
        log.debug(KeyValues.line("event", "marker_cleared", "id", markerId, "found", cleared > 0, "at", now));
    }

    // ---- backup jobs --------------------------------------------------------------------------------------------

    @Override
    public void saveJob(JobRecord job) {
        write("save backup job", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO backup_jobs (id, created_at, phase, finished_at,"
                    + " document) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET phase = excluded.phase,"
                    + " finished_at = excluded.finished_at, document = excluded.document")) {
                ps.setString(1, job.id());
                ps.setString(2, job.createdAt().toString());
                ps.setString(3, job.phase().wireName());
                ps.setString(4, job.finishedAt().map(Instant::toString).orElse(null));
                ps.setString(5, job.document());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO backup_job_stacks (job_seq, stack)"
                    + " SELECT seq, ? FROM backup_jobs WHERE id = ?")) {
                for (StackName stack : job.stacks()) {
                    ps.setString(1, stack.value());
                    ps.setString(2, job.id());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public Optional<JobRecord> job(String id) {
        List<JobRecord> found = readJobs("WHERE j.id = ?", List.of(id), 1);
        return found.stream().findFirst();
    }

    @Override
    public List<JobRecord> jobs(Optional<StackName> stack, int limit) {
        return stack.map(s -> readJobs("WHERE j.seq IN (SELECT job_seq FROM backup_job_stacks WHERE stack = ?)",
                List.of(s.value()), limit)).orElseGet(() -> readJobs("", List.of(), limit));
    }

    @Override
    public List<JobRecord> unfinishedJobs() {
        return readJobs("WHERE j.phase NOT IN ('done', 'failed')", List.of(), 1000);
    }

    private List<JobRecord> readJobs(String where, List<String> args, int limit) {
        return read("read backup jobs", c -> {
            List<JobRecord> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT j.seq, j.id, j.created_at, j.phase, j.finished_at,"
                    + " j.document, (SELECT group_concat(stack, char(10)) FROM backup_job_stacks WHERE job_seq = j.seq)"
                    + " FROM backup_jobs j " + where + " ORDER BY j.seq DESC LIMIT ?")) {
                bindWhereAndLimit(ps, args, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String stacks = rs.getString(7);
                        List<StackName> names = stacks == null ? List.of()
                                : java.util.Arrays.stream(stacks.split("\n")).sorted().map(StackName::of).toList();
                        result.add(new JobRecord(rs.getString(2), instant(rs.getString(3)),
                                JobPhase.fromWire(rs.getString(4)),
                                names, Optional.ofNullable(rs.getString(5)).map(SqliteJournal::instant),
                                rs.getString(6)));
                    }
                }
            }
            return result;
        });
    }

    // ---- control-plane commands ---------------------------------------------------------------------------------

    /** Acknowledged commands beyond this many newest are forgotten (the control plane never delivers them again). */
    static final int KEPT_COMMANDS = 10_000;
    private static final String COMMAND_COLUMNS =
            "id, kind, stack, received_at, finished_at, ok, error, acknowledged_at FROM control_commands";

    @Override
    public CommandReceipt receive(String id, String kind, String stack, Instant now) {
        return write("record a control-plane command", c -> {
            Optional<CommandEntry> known = commandEntries(c, "WHERE id = ?", List.of(id), 1).stream().findFirst();
            if (known.isPresent()) {
                return new CommandReceipt(known.get(), false);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO control_commands (id, kind, stack, received_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, kind);
                ps.setString(3, stack);
                ps.setString(4, now.toString());
                ps.executeUpdate();
            }
            return new CommandReceipt(new CommandEntry(id, kind, stack, now, Optional.empty(), false, null,
                    Optional.empty()), true);
        });
    }

    @Override
    public void finish(String id, boolean ok, String error, Instant now) {
        write("record a control-plane command's result", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE control_commands SET finished_at = ?, ok = ?,"
                    + " error = ? WHERE id = ? AND finished_at IS NULL")) {
                ps.setString(1, now.toString());
                ps.setInt(2, ok ? 1 : 0);
                ps.setString(3, ok ? null : error);
                ps.setString(4, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<CommandEntry> unacknowledged(int limit) {
        return read("read unacknowledged command results", c -> commandEntries(c,
                "WHERE finished_at IS NOT NULL AND acknowledged_at IS NULL ORDER BY seq", List.of(), limit));
    }

    @Override
    public void acknowledge(Collection<String> ids, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        write("record acknowledged command results", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE control_commands SET acknowledged_at = ?"
                    + " WHERE id = ? AND finished_at IS NOT NULL AND acknowledged_at IS NULL")) {
                for (String id : ids) {
                    ps.setString(1, now.toString());
                    ps.setString(2, id);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM control_commands WHERE acknowledged_at IS NOT"
                    + " NULL AND seq <= (SELECT max(seq) FROM control_commands) - ?")) {
                ps.setInt(1, KEPT_COMMANDS);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void resend(String id) {
        write("resend a command result", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE control_commands SET acknowledged_at = NULL WHERE id = ? AND finished_at IS NOT NULL")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<CommandEntry> unfinished() {
        return read("read unfinished commands", c -> commandEntries(c, "WHERE finished_at IS NULL ORDER BY seq",
                List.of(), Integer.MAX_VALUE));
    }

    private static List<CommandEntry> commandEntries(Connection c, String where, List<String> args, int limit)
            throws SQLException {
        List<CommandEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COMMAND_COLUMNS + " " + where + " LIMIT ?")) {
            bindWhereAndLimit(ps, args, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CommandEntry(rs.getString(1), rs.getString(2), rs.getString(3),
                            instant(rs.getString(4)), Optional.ofNullable(rs.getString(5)).map(SqliteJournal::instant),
                            rs.getInt(6) == 1, rs.getString(7),
                            Optional.ofNullable(rs.getString(8)).map(SqliteJournal::instant)));
                }
            }
        }
        return out;
    }

    /** Binds a query's WHERE arguments (text, in order) and then its LIMIT. */
    private static void bindWhereAndLimit(PreparedStatement ps, List<String> args, int limit) throws SQLException {
        int i = 1;
        for (String arg : args) {
            ps.setString(i++, arg);
        }
        ps.setInt(i, limit);
    }

    // ---- events -------------------------------------------------------------------------------------------------

    @Override
    public void appendEvent(JournalEvent event) {
        String fields;
        try {
            fields = Json.MAPPER.writeValueAsString(new TreeMap<>(event.fields()));
        } catch (JsonProcessingException e) {
            throw new JournalException("cannot encode the fields of event " + event.kind() + ": " + e, e);
        }
        write("append event", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO events (at, kind, stack, fields) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, event.at().toString());
                ps.setString(2, event.kind());
                ps.setString(3, event.stack());
                ps.setString(4, fields);
                ps.executeUpdate();
            }
            // Ids only grow and only the oldest rows are ever deleted, so this bound is one index range delete.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM events WHERE id <= last_insert_rowid() - ?")) {
                ps.setLong(1, maxEvents);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<JournalEvent> recentEvents(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return read("read events", c -> {
            List<JournalEvent> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT at, kind, stack, fields FROM events ORDER BY id DESC LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, String> fields;
                        try {
                            fields = Json.MAPPER.readValue(rs.getString(4), FIELDS_TYPE);
                        } catch (JsonProcessingException e) {
                            throw new JournalException("journal " + path + " holds an unreadable event: " + e, e);
                        }
                        out.add(new JournalEvent(instant(rs.getString(1)), rs.getString(2), rs.getString(3),
                                fields));
                    }
                }
            }
            return List.copyOf(out);
        });
    }

    /** Reads a PRAGMA on the journal's own connection (diagnostics and tests). */
    String pragma(String name) {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a pragma name: " + name);
        }
        return read("read pragma " + name, c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
                return rs.next() ? rs.getString(1) : "";
            }
        });
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    @Override
    public void close() {
        lock.lock();
        try {
            if (connection != null) {
                Connection c = connection;
                connection = null;
                try {
                    c.close();
                    log.info(KeyValues.line("event", "journal_closed", "path", path));
                } catch (SQLException e) {
                    throw classify(path, "close", e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T read(String what, Work<T> work) {
        lock.lock();
        try {
            return work.run(open());
        } catch (SQLException e) {
            throw classify(path, what, e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} in one transaction; it is committed, hence fsync'd (WAL, synchronous=FULL), at return. */
    private <T> T write(String what, Work<T> work) {
        lock.lock();
        try {
            Connection c = open();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw classify(path, what, e);
        } finally {
            lock.unlock();
        }
    }

    private Connection open() {
        if (connection == null) {
            throw new IllegalStateException("journal " + path + " is closed");
        }
        return connection;
    }

    private void tightenPermissions() {
        try {
            PrivateFiles.tighten(path);
            PrivateFiles.tighten(path.resolveSibling(FILE_NAME + "-wal"));
            PrivateFiles.tighten(path.resolveSibling(FILE_NAME + "-shm"));
        } catch (IOException e) {
            log.warn(KeyValues.line("event", "journal_chmod_failed", "path", path, "error", e.toString()));
        }
    }

    static boolean isCorruption(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
    }

    private static final int SQLITE_PERM = 3;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_NOTADB = 26;

    /** Turns a SQLite error into a corruption (fixable by a fresh file) or a journal error saying what to do. */
    static JournalException classify(Path file, String what, SQLException e) {
        if (isCorruption(e)) {
            return new JournalCorruptException(file, e.getMessage(), e);
        }
        String hint = switch (e.getErrorCode() & 0xff) {
            case SQLITE_FULL -> "the disk holding " + file.getParent() + " is full: free some space";
            case SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN -> "check that " + file + " and its directory are"
                    + " writable by this user (and not on a read-only filesystem), or choose another data directory"
                    + " with --data-dir or LIFELINE_DATA_DIR";
            case SQLITE_IOERR -> "the filesystem reported an I/O error: check the disk (dmesg) and free space";
            default -> "see the SQLite error above";
        };
        return new JournalException("journal " + file + ": cannot " + what + ": " + e.getMessage() + "; " + hint, e);
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new JournalException("journal holds an unreadable timestamp '" + text + "'", e);
        }
    }

    private static int queryInt(Connection c, String sql) throws SQLException {
        return (int) queryLong(c, sql);
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.warn(KeyValues.line("event", "journal_rollback_failed", "error", e.getMessage()));
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // already failing; the first error is the one reported
        }
    }
}
