package dev.lifeline.agent.restic;

import static dev.lifeline.agent.restic.ResticTestSupport.HOST;
import static dev.lifeline.agent.restic.ResticTestSupport.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.core.repository.BackupProgress;
import dev.lifeline.core.repository.BackupSummary;
import dev.lifeline.core.repository.CheckResult;
import dev.lifeline.core.repository.RepositoryException;
import dev.lifeline.core.repository.RepositorySnapshot;
import dev.lifeline.core.repository.RetentionRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real restic with a local repository in a temporary directory. */
class ResticRepositoryTest {
    @TempDir
    Path dir;

    Path repoDir;
    Path passwordFile;
    ResticRepository repo;

    @BeforeAll
    static void restic() {
        ResticTestSupport.requireRestic();
    }

    @BeforeEach
    void setUp() throws Exception {
        repoDir = dir.resolve("repo");
        passwordFile = ResticTestSupport.passwordFile(dir, "password", PASSWORD, "rw-------");
        repo = new ResticRepository(ResticTestSupport.config(dir, repoDir, passwordFile));
    }

    @Test
    void initialization_is_idempotent() throws Exception {
        repo.ensureInitialized();
        byte[] config = Files.readAllBytes(repoDir.resolve("config"));
        long keys = countFiles(repoDir.resolve("keys"));

        repo.ensureInitialized();
        repo.ensureInitialized();

        assertThat(Files.readAllBytes(repoDir.resolve("config"))).isEqualTo(config);
        assertThat(countFiles(repoDir.resolve("keys"))).isEqualTo(keys).isEqualTo(1);
        assertThat(repo.snapshots(Map.of())).isEmpty();
    }

    @Test
    void a_wrong_password_is_a_clear_error_and_never_reinitializes() throws Exception {
        repo.ensureInitialized();
        byte[] config = Files.readAllBytes(repoDir.resolve("config"));
        Path wrong = ResticTestSupport.passwordFile(dir, "wrong", "not-the-password-9876", "r--------");
        ResticRepository other = new ResticRepository(ResticTestSupport.config(dir, repoDir, wrong));

        assertThatThrownBy(other::ensureInitialized)
                .isInstanceOfSatisfying(RepositoryException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RepositoryException.Reason.WRONG_PASSWORD);
                    assertThat(e.getMessage()).contains("wrong password").contains(wrong.toString())
                            .contains("never initializes an existing repository")
                            .doesNotContain("not-the-password-9876").doesNotContain(PASSWORD);
                    assertThat(e.command()).containsExactly("restic", "cat", "config");
                });
        assertThat(Files.readAllBytes(repoDir.resolve("config"))).isEqualTo(config);
        assertThat(countFiles(repoDir.resolve("keys"))).isEqualTo(1);
        // the right password still opens it
        repo.ensureInitialized();
    }

    @Test
    void backup_then_restore_reproduces_the_tree_byte_for_byte() throws Exception {
        repo.ensureInitialized();
        Path src = dir.resolve("job-snapshot-1234/data");
        ResticTestSupport.buildTree(src);
        List<BackupProgress> progress = new CopyOnWriteArrayList<>();

        BackupSummary summary = repo.backup(List.of(), Map.of("host", HOST, "stack", "shop", "job", "db"), src,
                progress::add);

        assertThat(summary.snapshotId()).matches("[0-9a-f]{8,64}");
        assertThat(summary.filesNew()).as("regular files; symlinks and dirs are not files").isEqualTo(7);
        assertThat(summary.totalBytesProcessed()).isGreaterThan(450_000);
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1).percentDone()).isEqualTo(1.0);

        Path out = dir.resolve("restored");
        repo.restore(summary.snapshotId(), out);
        ResticTestSupport.assertSameTree(src, out);

        // a partial restore brings back only what was asked, in the same relative place
        Path partial = dir.resolve("partial");
        repo.restore(summary.snapshotId(), partial, List.of("dir with spaces"));
        assertThat(partial.resolve("dir with spaces/ünïcødé 文件 €.txt")).hasContent("unicode name");
        assertThat(partial.resolve("small.txt")).doesNotExist();
    }

    @Test
    void relative_paths_restore_independent_of_where_the_job_snapshot_was() throws Exception {
        repo.ensureInitialized();
        Path first = dir.resolve("snap-A");
        Files.createDirectories(first.resolve("volumes/db"));
        Files.writeString(first.resolve("volumes/db/table"), "rows");
        Files.writeString(first.resolve("not-backed-up"), "x");

        BackupSummary s = repo.backup(List.of(first.resolve("volumes"), Path.of("volumes")),
                Map.of("job", "rel"), first, null);

        Path out = dir.resolve("out");
        repo.restore(s.snapshotId(), out);
        assertThat(out.resolve("volumes/db/table")).hasContent("rows");
        assertThat(out.resolve("not-backed-up")).doesNotExist();
        assertThat(out.resolve(first.toString().substring(1))).doesNotExist();

        assertThatThrownBy(() -> repo.backup(List.of(Path.of("../escape")), Map.of(), first, null))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("outside the working directory");
    }

    @Test
    void each_data_path_of_a_later_job_gets_its_own_previous_snapshot_as_parent() throws Exception {
        repo.ensureInitialized();
        for (String job : List.of("j1", "j2")) {
            Path snap = dir.resolve("snap-" + job);
            Files.createDirectories(snap.resolve("a"));
            Files.createDirectories(snap.resolve("b"));
            for (int i = 0; i < 3; i++) {
                Files.writeString(snap.resolve("a/file" + i), "a" + i);
                Files.setLastModifiedTime(snap.resolve("a/file" + i), java.nio.file.attribute.FileTime.fromMillis(1000));
            }
            Files.writeString(snap.resolve("b/only"), "b");
            Files.setLastModifiedTime(snap.resolve("b/only"), java.nio.file.attribute.FileTime.fromMillis(1000));
            BackupSummary a = repo.backup(List.of(Path.of("a")), Map.of("stack", "s", "path", "a", "job", job), snap,
                    null);
            BackupSummary b = repo.backup(List.of(Path.of("b")), Map.of("stack", "s", "path", "b", "job", job), snap,
                    null);
            if (job.equals("j1")) {
                assertThat(a.filesNew()).isEqualTo(3);
                assertThat(b.filesNew()).isEqualTo(1);
            } else {
                // with its own parent every file is known (unmodified, or changed where only its inode differs, as
                // in a copy); with no parent, or the other path's snapshot, every file would be new
                assertThat(a.filesNew()).isZero();
                assertThat(a.filesUnmodified() + a.filesChanged()).isEqualTo(3);
                assertThat(b.filesNew()).isZero();
                assertThat(b.filesUnmodified() + b.filesChanged()).isEqualTo(1);
            }
        }
    }

    @Test
    void tags_are_set_and_filter_the_snapshot_list_newest_first() throws Exception {
        repo.ensureInitialized();
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("f"), "1");
        BackupSummary a = repo.backup(List.of(), Map.of("host", HOST, "stack", "shop", "job", "a"), src, null);
        Files.writeString(src.resolve("f"), "2");
        BackupSummary b = repo.backup(List.of(), Map.of("host", HOST, "stack", "shop", "job", "b"), src, null);

        List<RepositorySnapshot> all = repo.snapshots(Map.of());
        assertThat(all).extracting(RepositorySnapshot::shortId)
                .containsExactly(b.snapshotId().substring(0, 8), a.snapshotId().substring(0, 8));
        assertThat(all.get(0).tags()).isEqualTo(Map.of("host", HOST, "stack", "shop", "job", "b"));
        assertThat(all.get(0).hostname()).isEqualTo(HOST);
        assertThat(all.get(0).id()).hasSize(64);

        assertThat(repo.snapshots(Map.of("job", "a"))).extracting(RepositorySnapshot::shortId)
                .containsExactly(a.snapshotId().substring(0, 8));
        assertThat(repo.snapshots(Map.of("stack", "shop", "job", "b"))).hasSize(1);
        assertThat(repo.snapshots(Map.of("stack", "shop"))).hasSize(2);
        assertThat(repo.snapshots(Map.of("stack", "other"))).isEmpty();
    }

    @Test
    void forget_applies_the_rules_to_the_filtered_set_across_jobs_and_prune_and_check_pass() throws Exception {
        repo.ensureInitialized();
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        for (int i = 0; i < 3; i++) {
            Files.writeString(src.resolve("f"), "a" + i);
            repo.backup(List.of(), Map.of("stack", "shop", "job", "a"), src, null);
        }
        for (int i = 0; i < 2; i++) {
            Files.writeString(src.resolve("f"), "b" + i);
            repo.backup(List.of(), Map.of("stack", "shop", "job", "b"), src, null);
        }
        repo.backup(List.of(), Map.of("stack", "other", "job", "c"), src, null);
        String newestShop = repo.snapshots(Map.of("job", "b")).get(0).id();

        // Every run carries its own job tag: the rules apply to the whole filtered set (one stack's data), not to
        // each job, or nothing would ever be forgotten.
        repo.forget(RetentionRules.keepLast(1), Map.of("stack", "shop"));

        assertThat(repo.snapshots(Map.of("stack", "shop"))).extracting(RepositorySnapshot::id)
                .containsExactly(newestShop);
        assertThat(repo.snapshots(Map.of("job", "c"))).hasSize(1);

        repo.prune();
        CheckResult quick = repo.check(false);
        CheckResult full = repo.check(true);
        assertThat(quick.ok()).isTrue();
        assertThat(full.ok()).isTrue();
        assertThat(full.dataRead()).isTrue();

        Path out = dir.resolve("out");
        repo.restore(newestShop, out);
        assertThat(out.resolve("f")).hasContent("b1");
    }

    @Test
    void retention_rules_that_keep_nothing_are_refused() {
        assertThatThrownBy(() -> new RetentionRules(0, 0, 0, 0)).hasMessageContaining("would forget everything");
        assertThatThrownBy(() -> new RetentionRules(-1, 7, 0, 0)).hasMessageContaining(">= 0");
    }

    @Test
    void a_corrupted_pack_is_found_by_check_with_read_data() throws Exception {
        repo.ensureInitialized();
        Path src = dir.resolve("src");
        ResticTestSupport.buildTree(src);
        repo.backup(List.of(), Map.of("job", "x"), src, null);
        assertThat(repo.check(true).ok()).isTrue();

        Path pack;
        try (Stream<Path> files = Files.walk(repoDir.resolve("data"))) {
            pack = files.filter(Files::isRegularFile).max((x, y) -> Long.compare(x.toFile().length(),
                    y.toFile().length())).orElseThrow();
        }
        Files.setPosixFilePermissions(pack, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        byte[] bytes = Files.readAllBytes(pack);
        for (int i = 100; i < 110; i++) {
            bytes[bytes.length / 2 + i] ^= (byte) 0xff;
        }
        Files.write(pack, bytes);

        CheckResult result = repo.check(true);
        assertThat(result.ok()).isFalse();
        assertThat(result.problems()).isNotEmpty();
        assertThat(String.join("\n", result.problems())).contains(pack.getFileName().toString().substring(0, 8));
    }

    private static long countFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
