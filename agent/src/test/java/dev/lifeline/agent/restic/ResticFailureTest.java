package dev.lifeline.agent.restic;

import static dev.lifeline.agent.restic.ResticTestSupport.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeline.core.repository.BackupSummary;
import dev.lifeline.core.repository.RepositoryException;
import dev.lifeline.core.repository.RepositoryException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration mistakes, missing tool, unreachable repositories, and restic misbehaving (fake binaries). */
class ResticFailureTest {
    @TempDir
    Path dir;

    Path passwordFile;

    @BeforeEach
    void setUp() throws Exception {
        passwordFile = ResticTestSupport.passwordFile(dir, "password", PASSWORD, "rw-------");
    }

    @Test
    void a_password_file_readable_by_others_is_refused() throws Exception {
        Path loose = ResticTestSupport.passwordFile(dir, "loose", PASSWORD, "rw-r--r--");
        ResticRepository repo = new ResticRepository(ResticTestSupport.config(dir, dir.resolve("repo"), loose)
                .withBinary(dir.resolve("never-run").toString()));

        RepositoryException e = catchThrowableOfType(RepositoryException.class, repo::ensureInitialized);

        assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
        assertThat(e.getMessage()).contains(loose.toString()).contains("group or others")
                .contains("chmod 600 " + loose).doesNotContain(PASSWORD);
        assertThat(e.command()).isEmpty();
        assertThat(dir.resolve("repo")).doesNotExist();
    }

    @Test
    void a_missing_restic_binary_names_the_binary_and_the_setup_script() {
        ResticRepository repo = new ResticRepository(ResticTestSupport.config(dir, dir.resolve("repo"), passwordFile)
                .withBinary("/opt/nowhere/restic"));

        RepositoryException e = catchThrowableOfType(RepositoryException.class, repo::ensureInitialized);

        assertThat(e.reason()).isEqualTo(Reason.TOOL_MISSING);
        assertThat(e.getMessage()).contains("/opt/nowhere/restic").contains("scripts/setup-host");
    }

    @Test
    void the_snapshots_are_listed_once_per_job_to_find_every_data_paths_parent() throws Exception {
        Path listings = dir.resolve("listings");
        ResticRepository repo = countingStandIn(listings);
        Path src = Files.createDirectories(dir.resolve("src/a"));
        Files.createDirectories(dir.resolve("src/b"));

        repo.backup(List.of(Path.of("a")), Map.of("path", "a", "job", "j1"), src.getParent(), null);
        repo.yieldingCpu().backup(List.of(Path.of("b")), Map.of("path", "b", "job", "j1"), src.getParent(), null);
        assertThat(Files.readAllLines(listings)).containsExactly("snapshots");

        repo.backup(List.of(Path.of("a")), Map.of("path", "a", "job", "j2"), src.getParent(), null);
        assertThat(Files.readAllLines(listings)).as("a new job lists again").hasSize(2);
    }

    /**
     * A stand-in for restic (this checks which restic runs the agent makes, not restic): it appends every
     * {@code snapshots}, {@code cat} and {@code init} run to {@code runs}, lists no snapshots and stores any backup.
     */
    private ResticRepository countingStandIn(Path runs) throws Exception {
        Path standIn = ResticTestSupport.script(dir, "restic-stand-in", """
                for a in "$@"; do
                  case "$a" in
                    snapshots|cat|init) echo "$a" >> '%s' ;;
                  esac
                  case "$a" in
                    snapshots) echo '[]'; exit 0 ;;
                    backup) echo '{"message_type":"summary","files_new":1,"snapshot_id":"0123abcd"}'; exit 0 ;;
                  esac
                done
                """.formatted(runs));
        return new ResticRepository(ResticTestSupport.config(dir, dir.resolve("repo"), passwordFile)
                .withBinary(standIn.toString()).withNiceness(10));
    }

    @Test
    void preparing_a_job_opens_the_repository_and_lists_its_parents_in_one_run_the_upload_does_not_repeat()
            throws Exception {
        Path runs = dir.resolve("runs");
        ResticRepository repo = countingStandIn(runs);
        Path src = Files.createDirectories(dir.resolve("src/a"));

        repo.prepareJob("j1");
        repo.yieldingCpu().backup(List.of(Path.of("a")), Map.of("path", "a", "job", "j1"), src.getParent(), null);

        assertThat(Files.readAllLines(runs)).containsExactly("snapshots");
    }

    @Test
    void preparing_a_job_creates_a_missing_repository_and_refuses_a_wrong_password() throws Exception {
        ResticTestSupport.requireRestic();
        Path location = dir.resolve("fresh-repo");
        ResticRepository repo = new ResticRepository(ResticTestSupport.config(dir, location, passwordFile));

        repo.prepareJob("j1");
        assertThat(location.resolve("config")).exists();
        repo.prepareJob("j2"); // exists now: opened, not created again
        assertThat(Files.list(location.resolve("keys")).count()).isEqualTo(1);

        Path wrong = dir.resolve("wrong.pw");
        Files.writeString(wrong, "not-it\n");
        Files.setPosixFilePermissions(wrong, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ResticRepository other = new ResticRepository(ResticTestSupport.config(dir, location, wrong));
        RepositoryException e = catchThrowableOfType(RepositoryException.class, () -> other.prepareJob("j3"));
        assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSWORD);
        assertThat(Files.list(location.resolve("keys")).count()).isEqualTo(1);
    }

    @Test
    void a_missing_restic_binary_is_named_too_when_restic_runs_under_nice() {
        ResticRepository repo = new ResticRepository(ResticTestSupport.config(dir, dir.resolve("repo"), passwordFile)
                .withBinary("/opt/nowhere/restic").withNiceness(10)).yieldingCpu();

        RepositoryException e = catchThrowableOfType(RepositoryException.class, repo::ensureInitialized);

        assertThat(e.reason()).isEqualTo(Reason.TOOL_MISSING);
        assertThat(e.getMessage()).contains("/opt/nowhere/restic").contains("scripts/setup-host");
    }

    @Test
    void restic_yields_the_cpu_only_when_asked_to() throws Exception {
        // a stand-in for restic that records the niceness it runs at: this checks how the agent starts restic, not
        // restic itself
        Path seen = dir.resolve("niceness");
        Path standIn = ResticTestSupport.script(dir, "restic-stand-in", "nice > '" + seen + "'\n");
        ResticRepository repo = new ResticRepository(ResticTestSupport.config(dir, dir.resolve("repo"), passwordFile)
                .withBinary(standIn.toString()).withNiceness(10));
        int agent = Integer.parseInt(new String(new ProcessBuilder("nice").start().getInputStream().readAllBytes())
                .strip());

        repo.ensureInitialized();
        assertThat(Files.readString(seen).strip()).isEqualTo(String.valueOf(agent));

        repo.yieldingCpu().ensureInitialized();
        assertThat(Files.readString(seen).strip()).isEqualTo(String.valueOf(Math.min(19, agent + 10)));
    }

    @Test
    void a_repository_that_does_not_exist_is_a_clear_error_for_everything_but_init() {
        ResticTestSupport.requireRestic();
        Path missing = dir.resolve("no/such/dir/repo");
        ResticRepository repo = new ResticRepository(ResticTestSupport.config(dir, missing, passwordFile));

        RepositoryException e = catchThrowableOfType(RepositoryException.class, () -> repo.snapshots(Map.of()));

        assertThat(e.reason()).isEqualTo(Reason.NOT_INITIALIZED);
        assertThat(e.getMessage()).contains("no repository exists at " + missing).contains("snapshots");
        assertThat(missing).doesNotExist();
    }

    @Test
    void a_bad_backend_string_is_a_configuration_error() {
        ResticTestSupport.requireRestic();
        ResticRepository repo = new ResticRepository(ResticConfig.of("bogus:somewhere", passwordFile, "h"));

        RepositoryException e = catchThrowableOfType(RepositoryException.class, repo::ensureInitialized);

        assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
        assertThat(e.getMessage()).contains("bogus:somewhere").contains("local:/path").contains("invalid backend");
    }

    @Test
    void configuration_from_the_environment_prefers_restics_own_variables() {
        ResticConfig c = ResticConfig.fromEnvironment(Map.of("RESTIC_REPOSITORY", "/srv/b",
                "RESTIC_PASSWORD_FILE", passwordFile.toString(), "AWS_ACCESS_KEY_ID", "id", "HOME", "/root"), "box");
        assertThat(c.repository()).isEqualTo("/srv/b");
        assertThat(c.passwordFile()).isEqualTo(passwordFile);
        assertThat(c.extraEnv()).containsOnlyKeys("AWS_ACCESS_KEY_ID");
        assertThat(c.host()).isEqualTo("box");
        assertThatThrownBy(() -> ResticConfig.fromEnvironment(Map.of("RESTIC_REPOSITORY", "/srv/b",
                "RESTIC_PASSWORD", "x"), "box")).hasMessageContaining("RESTIC_PASSWORD_FILE");
    }

    @Test
    void exit_code_3_is_an_incomplete_backup_unless_accepted() throws Exception {
        Path fake = ResticTestSupport.script(dir, "fake-restic", """
                echo '{"message_type":"status","percent_done":0.5,"total_files":2,"files_done":1}'
                echo '{"message_type":"error","error":{"message":"open /x/locked: permission denied"},\
                "during":"archival","item":"locked"}' >&2
                echo 'not json at all'
                echo '{"message_type":"summary","files_new":1,"snapshot_id":"0123abcd","total_duration":0.5}'
                exit 3
                """);
        Path src = Files.createDirectories(dir.resolve("src"));
        ResticConfig config = ResticTestSupport.config(dir, dir.resolve("repo"), passwordFile)
                .withBinary(fake.toString());

        RepositoryException e = catchThrowableOfType(RepositoryException.class,
                () -> new ResticRepository(config).backup(List.of(), Map.of(), src, null));
        assertThat(e.reason()).isEqualTo(Reason.INCOMPLETE);
        assertThat(e.getMessage()).contains("0123abcd").contains("locked: open /x/locked: permission denied");

        BackupSummary accepted = new ResticRepository(config.withAllowUnreadableFiles(true))
                .backup(List.of(), Map.of(), src, null);
        assertThat(accepted.snapshotId()).isEqualTo("0123abcd");
        assertThat(accepted.duration()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void a_hung_restic_is_ended_at_the_timeout() throws Exception {
        Path pidFile = dir.resolve("pid");
        Path fake = ResticTestSupport.script(dir, "fake-restic", "echo $$ > '" + pidFile + "'\nexec sleep 120\n");
        Duration one = Duration.ofSeconds(1);
        ResticRepository repo = new ResticRepository(ResticTestSupport.config(dir, dir.resolve("repo"), passwordFile)
                .withBinary(fake.toString())
                .withTimeouts(new ResticConfig.Timeouts(one, one, one, one)));

        long start = System.nanoTime();
        RepositoryException e = catchThrowableOfType(RepositoryException.class, () -> repo.snapshots(Map.of()));

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.getMessage()).contains("PT1S");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertGone(pidFile);
    }

    @Test
    void interrupting_the_caller_ends_restic_and_throws_cancelled() throws Exception {
        Path pidFile = dir.resolve("pid");
        Path fake = ResticTestSupport.script(dir, "fake-restic", """
                echo $$ > '%s'
                echo '{"message_type":"status","percent_done":0.1,"bytes_done":10,"total_bytes":100}'
                exec sleep 120
                """.formatted(pidFile));
        ResticRepository repo = new ResticRepository(ResticTestSupport.config(dir, dir.resolve("repo"), passwordFile)
                .withBinary(fake.toString()));
        Path src = Files.createDirectories(dir.resolve("src"));
        CountDownLatch progressed = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();

        Thread worker = Thread.ofPlatform().start(() -> {
            try {
                repo.backup(List.of(), Map.of(), src, p -> progressed.countDown());
            } catch (Throwable t) {
                thrown.set(t);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(progressed.await(10, TimeUnit.SECONDS)).isTrue();
        worker.interrupt();
        worker.join(15_000);

        assertThat(worker.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOfSatisfying(RepositoryException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.CANCELLED));
        assertThat(stillInterrupted.get()).isTrue();
        assertGone(pidFile);
    }

    @Test
    void tags_restic_cannot_represent_are_refused_before_running_anything() {
        ResticRepository repo = new ResticRepository(ResticTestSupport.config(dir, dir.resolve("repo"), passwordFile)
                .withBinary("/opt/nowhere/restic"));
        assertThatThrownBy(() -> repo.snapshots(Map.of("stack", "a,b"))).hasMessageContaining("cannot be a restic tag");
        assertThatThrownBy(() -> repo.restore("--target=/etc", dir)).hasMessageContaining("is not a snapshot id");
    }

    private static void assertGone(Path pidFile) throws Exception {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("restic pid %s alive", pid)
                .isFalse();
    }
}
