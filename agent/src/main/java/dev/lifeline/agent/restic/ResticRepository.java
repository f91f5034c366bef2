package dev.lifeline.agent.restic;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.core.repository.BackupProgress;
import dev.lifeline.core.repository.BackupRepository;
import dev.lifeline.core.repository.BackupSummary;
import dev.lifeline.core.repository.CheckResult;
import dev.lifeline.core.repository.RepositoryException;
import dev.lifeline.core.repository.RepositoryException.Reason;
import dev.lifeline.core.repository.RepositorySnapshot;
import dev.lifeline.core.repository.RetentionRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BackupRepository} over the restic command line (tested with restic 0.14).
 *
 * <p>Secrets: the password only ever travels as the path in {@code RESTIC_PASSWORD_FILE} in restic's environment,
 * never as an argument or an environment value; the file must not be readable by group or others. The repository
 * location goes through {@code RESTIC_REPOSITORY} rather than {@code --repo}, because a location such as
 * {@code rest:https://user:pass@host/} carries a credential and command lines are world-readable in
 * {@code /proc/PID/cmdline}. Logs and exceptions show the location with credentials redacted, the names (not the
 * values) of extra environment variables, and scrub the password and secret-looking values from restic's output.
 *
 * <p>Every command has a timeout from {@link ResticConfig#timeouts()}; interrupting the calling thread ends restic
 * and throws {@link Reason#CANCELLED}.
 */
public final class ResticRepository implements BackupRepository {
    private static final Logger log = LoggerFactory.getLogger(ResticRepository.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** Least time between two progress callbacks. */
    static final Duration PROGRESS_INTERVAL = Duration.ofMillis(500);
    private static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9a-fA-F]{4,64}|latest");
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final ResticConfig config;
    /** Whether restic runs under {@code nice} (see {@link #yieldingCpu()}). */
    private final boolean yielding;

    /** The tag naming the job a snapshot was taken by; ignored when looking for a backup's parent. */
    public static final String JOB_TAG = "job";

    public ResticRepository(ResticConfig config) {
        this(config, false);
    }

    private ResticRepository(ResticConfig config, boolean yielding) {
        this(config, yielding, new AtomicReference<>());
    }

    private ResticRepository(ResticConfig config, boolean yielding, AtomicReference<JobListing> listing) {
        this.config = config;
        this.yielding = yielding;
        this.listing = listing;
    }

    /**
     * This host's snapshots as listed for the first upload of a job, which the job's other uploads reuse to find
     * their parents: one restic process per job instead of one per data path (each costs over half a second). The
     * only snapshots added meanwhile are the job's own, and none of those is the parent of another of its paths.
     */
    private record JobListing(String job, List<RepositorySnapshot> snapshots) {}

    private final AtomicReference<JobListing> listing;

    /** Runs restic under {@code nice -n} the configured niceness (none when it is 0). */
    @Override
    public ResticRepository yieldingCpu() {
        return yielding || config.niceness() == 0 ? this : new ResticRepository(config, true, listing);
    }

    public ResticConfig config() {
        return config;
    }

    @Override
    public String describe() {
        return "restic repository " + Redaction.location(config.repository()) + " (host " + config.host() + ")";
    }

    // ---------------------------------------------------------------- operations

    @Override
    public void ensureInitialized() {
        Redaction redaction = prepare();
        ResticProcess.Outcome probe = run("probe", List.of("cat", "config"), null, config.timeouts().quick(), null,
                redaction);
        if (probe.ok()) {
            log.info("event=repository_ready repo={}", redaction.repository());
            return;
        }
        Reason reason = classify(probe.exitCode(), probe.stderrText());
        if (reason != Reason.NOT_INITIALIZED) {
            // above all a wrong password: the repository exists, and initializing it again is never the answer
            throw failure("open the repository", reason, probe, redaction);
        }
        create(redaction);
    }

    /** {@code restic init}, after a probe found no repository; one made meanwhile by someone else is fine. */
    private void create(Redaction redaction) {
        ResticProcess.Outcome init = run("init", List.of("init"), null, config.timeouts().quick(), null, redaction);
        if (!init.ok()) {
            if (init.stderrText().contains("already exists")) {
                // someone else initialized it meanwhile: it exists now; make sure our password opens it
                ResticProcess.Outcome again = run("probe", List.of("cat", "config"), null, config.timeouts().quick(),
                        null, redaction);
                if (again.ok()) {
                    return;
                }
                throw failure("open the repository", classify(again.exitCode(), again.stderrText()), again,
                        redaction);
            }
            throw failure("initialize the repository", classify(init.exitCode(), init.stderrText()), init,
                    redaction);
        }
        log.info("event=repository_initialized repo={} duration_ms={}", redaction.repository(),
                init.elapsed().toMillis());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One restic run where there were two (every run pays restic's start and key derivation, most of a second on
     * a small host): listing the snapshots opens the repository as {@code cat config} would, and the listing is
     * kept as the job's parents. A repository that does not exist yet is created, and has no parents.
     */
    @Override
    public void prepareJob(String jobId) {
        Redaction redaction = prepare();
        ResticProcess.Outcome listed = run("snapshots", List.of("snapshots", "--json"), null,
                config.timeouts().quick(), null, redaction);
        if (!listed.ok()) {
            Reason reason = classify(listed.exitCode(), listed.stderrText());
            if (reason != Reason.NOT_INITIALIZED) {
                throw failure("open the repository", reason, listed, redaction);
            }
            create(redaction);
            listing.set(new JobListing(jobId, List.of()));
            return;
        }
        listing.set(new JobListing(jobId, hostOnly(parseSnapshots(listed, redaction))));
        log.info("event=repository_ready repo={} job={}", redaction.repository(), jobId);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The paths are handed to restic relative to {@code workingDir}, with {@code workingDir} as restic's working
     * directory, so the snapshot's tree is relative to it (see {@link BackupRepository#backup}). Because the
     * per-job snapshot location differs between runs, restic would not find the previous snapshot by path; the
     * newest snapshot with the same host and tags is passed as {@code --parent}, so unchanged files are not read
     * again.
     *
     * <p>restic exits with 3 when it stored a snapshot but could not read some files. That snapshot silently lacks
     * data: restoring it later would bring back a stack with missing files, and nobody would know until then. It
     * is therefore an error ({@link Reason#INCOMPLETE}, naming the snapshot and the unreadable files) unless
     * {@link ResticConfig#allowUnreadableFiles()} says the user accepts incomplete backups.
     */
    @Override
    public BackupSummary backup(List<Path> paths, Map<String, String> tags, Path workingDir,
            Consumer<BackupProgress> progress) {
        if (workingDir == null || !Files.isDirectory(workingDir)) {
            throw configError("the backup working directory " + workingDir + " is not a directory",
                    "pass the directory the backup is taken from (the per-job snapshot of the data)");
        }
        Path root = workingDir.toAbsolutePath().normalize();
        List<String> relative = relativize(paths, root);
        List<String> tagArgs = tagArguments(tags);
        Redaction redaction = prepare();
        String parent = null;
        // The parent (whose file metadata lets restic skip unchanged files) is the newest snapshot of the same data:
        // the same tags except the job, which differs every run.
        Map<String, String> sameData = new java.util.TreeMap<>(tags);
        sameData.remove(JOB_TAG);
        if (!sameData.isEmpty()) {
            parent = hostSnapshots(tags.get(JOB_TAG), redaction).stream()
                    .filter(s -> s.tags().entrySet().containsAll(sameData.entrySet()))
                    .map(RepositorySnapshot::id)
                    .findFirst()
                    .orElse(null);
        }
        List<String> args = new ArrayList<>(List.of("backup", "--json", "--host", config.host()));
        for (String t : tagArgs) {
            args.add("--tag");
            args.add(t);
        }
        if (parent != null) {
            args.add("--parent");
            args.add(parent);
        }
        args.add("--");
        args.addAll(relative);
        ProgressRelay relay = new ProgressRelay(progress);
        ResticProcess.Outcome outcome = run("backup", args, root, config.timeouts().backup(), relay, redaction);
        JsonNode summary = lastMessage(outcome.stdout(), "summary");
        boolean incomplete = outcome.exitCode() == 3;
        if (!outcome.ok() && !(incomplete && config.allowUnreadableFiles() && summary != null)) {
            if (incomplete) {
                String id = summary == null ? "(unknown)" : summary.path("snapshot_id").asText("(unknown)");
                throw new RepositoryException(Reason.INCOMPLETE, "restic stored snapshot " + id + " of " + root
                        + " but could not read some files, so it is incomplete: " + redaction.scrub(
                                String.join("; ", describeErrors(outcome.stderr()))), outcome.command(), 3,
                        redaction.scrub(outcome.stderrTail(15)), "make the files readable for the agent (or exclude"
                                + " them), or accept incomplete backups in the configuration", null);
            }
            throw failure("back up " + root, classify(outcome.exitCode(), outcome.stderrText()), outcome, redaction);
        }
        if (summary == null || summary.path("snapshot_id").asText("").isEmpty()) {
            throw new RepositoryException(Reason.FAILED, "restic backup of " + root + " ended without a summary"
                    + " naming the snapshot", outcome.command(), outcome.exitCode(),
                    redaction.scrub(outcome.stderrTail(15)), "check the restic version (0.14 or newer is needed)",
                    null);
        }
        BackupSummary result = new BackupSummary(summary.path("snapshot_id").asText(),
                summary.path("files_new").asLong(), summary.path("files_changed").asLong(),
                summary.path("files_unmodified").asLong(), summary.path("data_added").asLong(),
                summary.path("total_bytes_processed").asLong(),
                Duration.ofMillis(Math.round(summary.path("total_duration").asDouble() * 1000)));
        relay.finish(result, outcome.elapsed());
        log.info("event=backup_stored repo={} snapshot={} parent={} files_new={} files_changed={}"
                        + " files_unmodified={} data_added={} bytes_processed={} duration_ms={} incomplete={}",
                redaction.repository(), result.snapshotId(), parent == null ? "-" : parent, result.filesNew(),
                result.filesChanged(), result.filesUnmodified(), result.dataAdded(), result.totalBytesProcessed(),
                outcome.elapsed().toMillis(), incomplete);
        return result;
    }

    /** This host's snapshots, newest first; listed once per job (see {@link JobListing}). */
    private List<RepositorySnapshot> hostSnapshots(String job, Redaction redaction) {
        JobListing known = listing.get();
        if (job != null && known != null && known.job().equals(job)) {
            return known.snapshots();
        }
        List<RepositorySnapshot> mine = hostOnly(snapshots(Map.of(), redaction));
        if (job != null) {
            listing.set(new JobListing(job, mine));
        }
        return mine;
    }

    @Override
    public List<RepositorySnapshot> snapshots(Map<String, String> tagFilter) {
        return snapshots(tagFilter, prepare());
    }

    private List<RepositorySnapshot> snapshots(Map<String, String> tagFilter, Redaction redaction) {
        List<String> args = new ArrayList<>(List.of("snapshots", "--json"));
        List<String> tags = tagArguments(tagFilter);
        if (!tags.isEmpty()) {
            args.add("--tag");
            args.add(String.join(",", tags));
        }
        ResticProcess.Outcome outcome = run("snapshots", args, null, config.timeouts().quick(), null, redaction);
        if (!outcome.ok()) {
            throw failure("list snapshots", classify(outcome.exitCode(), outcome.stderrText()), outcome, redaction);
        }
        return parseSnapshots(outcome, redaction);
    }

    private List<RepositorySnapshot> hostOnly(List<RepositorySnapshot> all) {
        return all.stream().filter(s -> s.hostname().equals(config.host())).toList();
    }

    /** The snapshots of a successful {@code restic snapshots --json}, newest first. */
    private List<RepositorySnapshot> parseSnapshots(ResticProcess.Outcome outcome, Redaction redaction) {
        List<RepositorySnapshot> result = new ArrayList<>();
        for (String line : outcome.stdout()) {
            if (!line.startsWith("[")) {
                continue;
            }
            try {
                for (JsonNode s : JSON.readTree(line)) {
                    result.add(toSnapshot(s));
                }
            } catch (IOException | RuntimeException e) {
                throw new RepositoryException(Reason.FAILED, "cannot read restic's snapshot list: " + e.getMessage(),
                        outcome.command(), outcome.exitCode(), redaction.scrub(outcome.stderrTail(15)),
                        "check the restic version (0.14 or newer is needed)", e);
            }
        }
        result.sort(Comparator.comparing(RepositorySnapshot::time).reversed());
        return result;
    }

    @Override
    public void restore(String snapshotId, Path target) {
        restore(snapshotId, target, List.of());
    }

    @Override
    public void restore(String snapshotId, Path target, List<String> includePaths) {
        if (snapshotId == null || !SNAPSHOT_ID.matcher(snapshotId).matches()) {
            throw configError("'" + snapshotId + "' is not a snapshot id", "pass an id from the snapshot list"
                    + " (hexadecimal, 8 or 64 characters) or 'latest'");
        }
        Path dir = target.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw configError("cannot create the restore target " + dir + ": " + e.getMessage(),
                    "pass a target directory the agent may create and write");
        }
        List<String> args = new ArrayList<>(List.of("restore", snapshotId, "--target", dir.toString()));
        for (String include : includePaths) {
            if (include == null || include.isBlank() || include.startsWith("-")) {
                throw configError("'" + include + "' is not a path inside the snapshot",
                        "pass paths relative to the snapshot root, e.g. data/db");
            }
            args.add("--include");
            args.add(include.startsWith("/") ? include : "/" + include);
        }
        Redaction redaction = prepare();
        ResticProcess.Outcome outcome = run("restore", args, null, config.timeouts().restore(), null, redaction);
        if (!outcome.ok()) {
            throw failure("restore snapshot " + snapshotId + " to " + dir,
                    classify(outcome.exitCode(), outcome.stderrText()), outcome, redaction);
        }
        log.info("event=snapshot_restored repo={} snapshot={} target={} includes={} duration_ms={}",
                redaction.repository(), snapshotId, dir, includePaths.size(), outcome.elapsed().toMillis());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Groups by {@code host} only: the tag filter chooses the set the rules apply to (Lifeline forgets per stack
     * and data path). Restic's default {@code host,paths} would make every run a group of its own (the paths it
     * records are where the per-job snapshot was mounted), and {@code host,tags} would too (every run carries its
     * own job tag), so nothing would ever be forgotten.
     */
    @Override
    public void forget(RetentionRules rules, Map<String, String> tagFilter) {
        List<String> args = new ArrayList<>(List.of("forget", "--json", "--group-by", "host"));
        addKeep(args, "--keep-last", rules.keepLast());
        addKeep(args, "--keep-daily", rules.keepDaily());
        addKeep(args, "--keep-weekly", rules.keepWeekly());
        addKeep(args, "--keep-monthly", rules.keepMonthly());
        List<String> tags = tagArguments(tagFilter);
        if (!tags.isEmpty()) {
            args.add("--tag");
            args.add(String.join(",", tags));
        }
        Redaction redaction = prepare();
        ResticProcess.Outcome outcome = run("forget", args, null, config.timeouts().quick(), null, redaction);
        if (!outcome.ok()) {
            throw failure("forget snapshots", classify(outcome.exitCode(), outcome.stderrText()), outcome, redaction);
        }
        int kept = 0;
        int removed = 0;
        for (String line : outcome.stdout()) {
            if (line.startsWith("[")) {
                try {
                    for (JsonNode group : JSON.readTree(line)) {
                        kept += group.path("keep").size();
                        removed += group.path("remove").size();
                    }
                } catch (IOException e) {
                    log.debug("event=forget_output_unreadable reason=\"{}\"", e.getMessage());
                }
            }
        }
        log.info("event=snapshots_forgotten repo={} rules={} filter={} kept={} removed={}", redaction.repository(),
                rules, tags, kept, removed);
    }

    @Override
    public void prune() {
        Redaction redaction = prepare();
        ResticProcess.Outcome outcome = run("prune", List.of("prune"), null, config.timeouts().maintenance(), null,
                redaction);
        if (!outcome.ok()) {
            throw failure("prune the repository", classify(outcome.exitCode(), outcome.stderrText()), outcome,
                    redaction);
        }
        log.info("event=repository_pruned repo={} duration_ms={}", redaction.repository(),
                outcome.elapsed().toMillis());
    }

    @Override
    public CheckResult check(boolean readData) {
        Redaction redaction = prepare();
        List<String> args = readData ? List.of("check", "--read-data") : List.of("check");
        ResticProcess.Outcome outcome = run("check", args, null, config.timeouts().maintenance(), null, redaction);
        if (outcome.ok()) {
            log.info("event=repository_checked repo={} read_data={} ok=true duration_ms={}", redaction.repository(),
                    readData, outcome.elapsed().toMillis());
            return new CheckResult(true, readData, List.of(), outcome.elapsed());
        }
        Reason reason = classify(outcome.exitCode(), outcome.stderrText());
        String all = (outcome.stderrText() + "\n" + String.join("\n", outcome.stdout())).toLowerCase(Locale.ROOT);
        if (reason != Reason.FAILED || !all.contains("repository contains errors")) {
            throw failure("check the repository", reason, outcome, redaction);
        }
        List<String> problems = new ArrayList<>();
        for (String line : outcome.stderr()) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("Fatal: repository contains errors") && problems.size() < 50) {
                problems.add(redaction.scrub(l));
            }
        }
        log.warn("event=repository_checked repo={} read_data={} ok=false problems={} first=\"{}\"",
                redaction.repository(), readData, problems.size(),
                problems.isEmpty() ? "" : problems.get(0).replace('"', '\''));
        return new CheckResult(false, readData, problems, outcome.elapsed());
    }

    // ---------------------------------------------------------------- running restic

    /** Validates the password file and builds the scrubber for this operation's output. */
    private Redaction prepare() {
        Path file = config.passwordFile().toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw configError("the restic password file " + file + " does not exist or is not a regular file",
                    "write the repository password to " + file + " and chmod 600 it");
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            throw configError("cannot read the permissions of the restic password file " + file + ": "
                    + e.getMessage(), "keep the password file on a local POSIX file system, mode 0600");
        }
        Set<PosixFilePermission> loose = Set.copyOf(perms.stream().filter(GROUP_OR_OTHER::contains).toList());
        if (!loose.isEmpty()) {
            throw configError("the restic password file " + file + " is accessible to group or others (mode "
                            + java.nio.file.attribute.PosixFilePermissions.toString(perms) + ")",
                    "run: chmod 600 " + file);
        }
        String password;
        try {
            // read only to scrub it from restic's output, should it ever appear there
            password = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw configError("cannot read the restic password file " + file + ": " + e.getClass().getSimpleName(),
                    "make " + file + " readable by the user the agent runs as, mode 0600");
        }
        if (password.isEmpty()) {
            throw configError("the restic password file " + file + " is empty",
                    "write the repository password to " + file);
        }
        return new Redaction(config.repository(), config.extraEnv(), password);
    }

    /** {@code nice}'s exit code when the program it should run is missing (126: found but not executable). */
    private static final int NICE_CANNOT_RUN = 127;

    private Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>(config.extraEnv());
        env.put("RESTIC_REPOSITORY", config.repository());
        env.put("RESTIC_PASSWORD_FILE", config.passwordFile().toAbsolutePath().toString());
        // restic emits JSON status lines 60 times a second unless told otherwise
        env.put("RESTIC_PROGRESS_FPS", "2");
        return env;
    }

    private ResticProcess.Outcome run(String op, List<String> args, Path workDir, Duration timeout,
            Consumer<String> statusLines, Redaction redaction) {
        List<String> command = new ArrayList<>(args.size() + 4);
        if (yielding) {
            command.addAll(List.of("nice", "-n", String.valueOf(config.niceness())));
        }
        command.add(config.resticBinary());
        command.addAll(args);
        try {
            ResticProcess.Outcome outcome =
                    ResticProcess.run(command, environment(), workDir, timeout, statusLines, redaction);
            if (yielding && outcome.exitCode() == NICE_CANNOT_RUN) {
                throw new RepositoryException(Reason.TOOL_MISSING, "cannot run the restic binary '"
                        + config.resticBinary() + "': " + redaction.scrub(outcome.stderrTail(3)), outcome.command(),
                        NICE_CANNOT_RUN, "", "install restic (scripts/setup-host installs it, or apt-get install"
                                + " restic) or set the restic binary in the configuration to its full path", null);
            }
            log.debug("event=restic_ran op={} exit={} duration_ms={} repo={} env={}", op, outcome.exitCode(),
                    outcome.elapsed().toMillis(), redaction.repository(), config.extraEnv().keySet());
            return outcome;
        } catch (RepositoryException e) {
            log.warn("event=restic_failed op={} reason={} repo={}", op, e.reason(), redaction.repository());
            throw e;
        }
    }

    /** What restic's error output means, from its exit code (0.17+ has specific ones) and its wording (0.14). */
    static Reason classify(int exitCode, String stderr) {
        String s = stderr.toLowerCase(Locale.ROOT);
        if (exitCode == 12 || s.contains("wrong password")) {
            return Reason.WRONG_PASSWORD;
        }
        if (s.contains("invalid backend") || s.contains("parsing repository location failed")) {
            return Reason.CONFIGURATION;
        }
        if (exitCode == 11 || s.contains("already locked")) {
            return Reason.LOCKED;
        }
        if (s.contains("connection refused") || s.contains("no such host") || s.contains("i/o timeout")
                || s.contains("network is unreachable") || s.contains("dial tcp") || s.contains("tls:")
                || s.contains("connection reset")) {
            return Reason.UNREACHABLE;
        }
        if (exitCode == 10 || s.contains("is there a repository at the following location")
                || (s.contains("unable to open config file") && s.contains("no such file"))) {
            return Reason.NOT_INITIALIZED;
        }
        return Reason.FAILED;
    }

    private RepositoryException failure(String what, Reason reason, ResticProcess.Outcome outcome,
            Redaction redaction) {
        String repo = redaction.repository();
        String remedy = switch (reason) {
            case WRONG_PASSWORD -> "the repository at " + repo + " exists but the password in "
                    + config.passwordFile().toAbsolutePath() + " does not open it; put the right password there"
                    + " (Lifeline never initializes an existing repository again)";
            case CONFIGURATION -> "fix the repository location " + repo + ": a local directory is an absolute path"
                    + " (or local:/path); other backends look like sftp:host:/path, s3:..., rest:https://host/";
            case LOCKED -> "another restic process is working on " + repo + "; wait for it to finish, or when"
                    + " none runs any more remove the stale lock with 'restic unlock'";
            case UNREACHABLE -> "check that the backend of " + repo + " is reachable from this host (network,"
                    + " server running, credentials in the environment)";
            case NOT_INITIALIZED -> "no repository exists at " + repo + "; check the location, or create it"
                    + " (Lifeline's ensureInitialized does so on start)";
            default -> "read restic's message below; check the repository with 'restic check'";
        };
        log.warn("event=restic_failed op=\"{}\" reason={} exit={} repo={}", what, reason, outcome.exitCode(), repo);
        return new RepositoryException(reason, "restic could not " + what + " (" + reason.name().toLowerCase(
                Locale.ROOT).replace('_', ' ') + ")", outcome.command(), outcome.exitCode(),
                redaction.scrub(outcome.stderrTail(15)), remedy, null);
    }

    private static RepositoryException configError(String message, String remedy) {
        return new RepositoryException(Reason.CONFIGURATION, message, List.of(), -1, "", remedy, null);
    }

    // ---------------------------------------------------------------- arguments and output

    private static void addKeep(List<String> args, String flag, int n) {
        if (n > 0) {
            args.add(flag);
            args.add(Integer.toString(n));
        }
    }

    /** Tags as restic arguments, sorted so equal maps give equal tag sets (restic compares them as sets). */
    static List<String> tagArguments(Map<String, String> tags) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(tags).entrySet()) {
            String k = e.getKey();
            String v = e.getValue() == null ? "" : e.getValue();
            if (k.isEmpty() || k.contains("=") || k.contains(",") || v.contains(",") || hasControl(k)
                    || hasControl(v) || k.startsWith("-")) {
                throw configError("tag '" + k + "=" + v + "' cannot be a restic tag",
                        "use a non-empty key without '=' or ',', and a value without ',' or control characters");
            }
            out.add(k + "=" + v);
        }
        return out;
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    /** The backup paths relative to {@code root}; "." for the whole of it. */
    static List<String> relativize(List<Path> paths, Path root) {
        if (paths == null || paths.isEmpty()) {
            return List.of(".");
        }
        List<String> out = new ArrayList<>();
        for (Path p : paths) {
            Path abs = (p.isAbsolute() ? p : root.resolve(p)).normalize();
            if (!abs.startsWith(root)) {
                throw configError("backup path " + p + " is outside the working directory " + root,
                        "pass paths inside the working directory, absolute or relative to it");
            }
            if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                throw configError("backup path " + abs + " does not exist",
                        "pass existing paths inside the working directory " + root);
            }
            Path rel = root.relativize(abs);
            out.add(rel.toString().isEmpty() ? "." : rel.toString());
        }
        return out;
    }

    private static RepositorySnapshot toSnapshot(JsonNode s) {
        List<String> paths = new ArrayList<>();
        s.path("paths").forEach(p -> paths.add(p.asText()));
        Map<String, String> tags = new LinkedHashMap<>();
        s.path("tags").forEach(t -> {
            String tag = t.asText();
            int eq = tag.indexOf('=');
            if (eq < 0) {
                tags.put(tag, "");
            } else {
                tags.put(tag.substring(0, eq), tag.substring(eq + 1));
            }
        });
        Instant time = OffsetDateTime.parse(s.path("time").asText()).toInstant();
        String id = s.path("id").asText();
        String shortId = s.hasNonNull("short_id") ? s.get("short_id").asText() : null;
        return new RepositorySnapshot(id, shortId, time, paths, tags, s.path("hostname").asText(""));
    }

    /** The last stdout line that is a JSON message of the given type, or null. */
    private static JsonNode lastMessage(List<String> stdout, String type) {
        for (int i = stdout.size() - 1; i >= 0; i--) {
            JsonNode node = parse(stdout.get(i));
            if (node != null && type.equals(node.path("message_type").asText())) {
                return node;
            }
        }
        return null;
    }

    /** A JSON object line, or null for anything else (restic mixes plain text into some outputs). */
    static JsonNode parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    /** restic's per-file errors of a backup ({@code {"message_type":"error",...}} on stderr), readable. */
    private static List<String> describeErrors(List<String> stderr) {
        List<String> out = new ArrayList<>();
        for (String line : stderr) {
            JsonNode n = parse(line);
            if (n != null && "error".equals(n.path("message_type").asText())) {
                String item = n.path("item").asText("");
                JsonNode err = n.path("error");
                String msg = err.isTextual() ? err.asText() : err.path("message").asText("");
                out.add((item.isEmpty() ? "" : item + ": ") + (msg.isEmpty() ? n.path("during").asText("") : msg));
            } else if (n == null && line.toLowerCase(Locale.ROOT).contains("error")) {
                out.add(line.strip());
            }
            if (out.size() >= 10) {
                out.add("...");
                break;
            }
        }
        return out;
    }

    /** Turns restic's status lines into throttled progress callbacks. */
    private static final class ProgressRelay implements Consumer<String> {
        private final Consumer<BackupProgress> target;
        private long lastNanos;
        private boolean delivered;

        ProgressRelay(Consumer<BackupProgress> target) {
            this.target = target;
        }

        @Override
        public void accept(String line) {
            if (target == null) {
                return;
            }
            long now = System.nanoTime();
            if (delivered && now - lastNanos < PROGRESS_INTERVAL.toNanos()) {
                return;
            }
            JsonNode n = parse(line);
            if (n == null) {
                return;
            }
            deliver(new BackupProgress(n.path("percent_done").asDouble(), n.path("bytes_done").asLong(),
                    n.path("total_bytes").asLong(), n.path("files_done").asLong(), n.path("total_files").asLong(),
                    Duration.ofSeconds(n.path("seconds_elapsed").asLong())));
            lastNanos = now;
            delivered = true;
        }

        /** A last callback at 100 %, so a listener always sees the end. */
        void finish(BackupSummary summary, Duration elapsed) {
            if (target != null) {
                long files = summary.filesNew() + summary.filesChanged() + summary.filesUnmodified();
                deliver(new BackupProgress(1.0, summary.totalBytesProcessed(), summary.totalBytesProcessed(), files,
                        files, elapsed));
            }
        }

        private void deliver(BackupProgress p) {
            try {
                target.accept(p);
            } catch (RuntimeException e) {
                log.warn("event=backup_progress_listener_failed error=\"{}\"", e.toString().replace('"', '\''));
            }
        }
    }
}
