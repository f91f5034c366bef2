package dev.lifeline.agent.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.core.snapshot.Snapshot;
import dev.lifeline.core.snapshot.SnapshotException;
import dev.lifeline.core.snapshot.Support;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Against the real system disk (ext4 here): a plain copy, made immutable. Needs root for chattr and chown. */
class StagingCopyProviderTest {
    private static final Logger log = LoggerFactory.getLogger(StagingCopyProviderTest.class);
    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private Path data;
    private Path staging;

    @BeforeEach
    void populate() throws IOException {
        data = dir.resolve("data");
        staging = dir.resolve("staging");
        SnapshotTrees.populate(data);
    }

    @AfterEach
    void makeDeletable() {
        // Whatever a failed test left immutable must not stop JUnit removing the temp dir.
        Commands.run(List.of("chattr", "-R", "-i", dir.toString()), Duration.ofSeconds(30));
    }

    private StagingCopyProvider provider(long budget) {
        return new StagingCopyProvider(budget, staging, Duration.ofMinutes(2));
    }

    @Test
    void copyWithinBudgetHoldsTheTreeAsItWasAndDoesNotFollowLaterChanges() throws IOException {
        byte[] chunk = new byte[(int) MIB];
        new java.util.Random(3).nextBytes(chunk);
        for (int i = 0; i < 16; i++) {
            Files.write(data.resolve("blob"), chunk, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        Map<String, String> before = SnapshotTrees.describe(data);
        StagingCopyProvider provider = provider(64 * MIB);
        assertThat(provider.supports(data)).isInstanceOf(Support.Supported.class);

        long started = System.nanoTime();
        Snapshot s = provider.take(data, "job-copy", NOW);
        long millis = (System.nanoTime() - started) / 1_000_000;
        log.info("event=measured what=staging_take data=16MiB+25files millis={}", millis);
        System.out.println("staging copy of 16 MiB + 25 files on ext4: " + millis + " ms");

        assertThat(s.provider()).isEqualTo("staging-copy");
        assertThat(s.location()).isEqualTo(Path.of(s.handle())).startsWith(staging.resolve("job-copy"));
        assertThat(SnapshotTrees.describe(s.location())).isEqualTo(before);
        assertThat(SnapshotTrees.modeOf(s.location().resolve("secret.key"))).isEqualTo("600");
        assertThat(Files.getAttribute(s.location().resolve("db/owned-by-app"), "unix:uid"))
                .isEqualTo(SnapshotTrees.OTHER_UID);
        assertThat(Files.readSymbolicLink(s.location().resolve("current"))).isEqualTo(Path.of("db/wal.log"));

        SnapshotTrees.mutate(data);
        assertThat(SnapshotTrees.describe(s.location())).isEqualTo(before);
        provider.delete(s);
    }

    @Test
    void copyIsReadOnlyEvenForRoot() throws IOException {
        StagingCopyProvider provider = provider(MIB);
        Snapshot s = provider.take(data, "job-ro", NOW);

        assertThatThrownBy(() -> Files.writeString(s.location().resolve("new-file"), "x"))
                .isInstanceOf(FileSystemException.class);
        assertThatThrownBy(() -> Files.writeString(s.location().resolve("db/wal.log"), "x",
                StandardOpenOption.APPEND)).isInstanceOf(FileSystemException.class);
        assertThatThrownBy(() -> Files.delete(s.location().resolve("secret.key")))
                .isInstanceOf(FileSystemException.class);
        provider.delete(s);
    }

    @Test
    void overBudgetIsRefusedWithSizes() throws IOException {
        Files.write(data.resolve("big"), new byte[20 * 1024]);
        StagingCopyProvider provider = provider(1024);

        Support support = provider.supports(data);

        assertThat(support).isInstanceOf(Support.Unsupported.class);
        String reason = ((Support.Unsupported) support).reason();
        assertThat(reason).startsWith(data.toRealPath() + " needs ").contains("KiB, budget is 1 KiB");
        assertThatThrownBy(() -> provider.take(data, "job-big", NOW))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("budget is 1 KiB");
        assertThat(staging).doesNotExist();
    }

    @Test
    void deleteIsIdempotentAndRemovesAHalfMadeCopy() throws IOException {
        StagingCopyProvider provider = provider(MIB);
        Snapshot s = provider.take(data, "job-del", NOW);
        provider.delete(s);
        provider.delete(s);
        assertThat(Path.of(s.handle()).getParent()).doesNotExist();

        // A crash half way through: the record, a partial copy, part of it already immutable.
        Path handle = staging.resolve("job-half/data-partial");
        Files.createDirectories(handle.resolve("db"));
        Files.writeString(handle.resolve("db/page"), "half");
        Snapshot half = new Snapshot("staging-copy", data, handle, "job-half", NOW, handle.toString());
        SnapshotRecords.write(half);
        Commands.run(List.of("chattr", "+i", handle.resolve("db/page").toString()), Duration.ofSeconds(10));

        assertThat(provider.leftovers(data, "job-half")).containsExactly(half);
        provider.delete(half);
        provider.delete(half);
        assertThat(staging.resolve("job-half")).doesNotExist();
        assertThat(provider.leftovers(data, "")).isEmpty();
    }

    @Test
    void leftoversOfACrashedJobAreFoundAndCleaned() throws IOException {
        Path other = dir.resolve("other");
        SnapshotTrees.populate(other);
        StagingCopyProvider provider = provider(MIB);
        Snapshot a = provider.take(data, "crashed-7", NOW);
        Snapshot b = provider.take(other, "crashed-7", NOW.plusSeconds(1));
        Snapshot kept = provider.take(data, "running-8", NOW.plusSeconds(2));

        List<Snapshot> found = provider.leftovers(data, "crashed-");

        assertThat(found).containsExactly(a, b);
        found.forEach(provider::delete);
        assertThat(provider.leftovers(data, "")).containsExactly(kept);
        provider.delete(kept);
        assertThat(staging).isEmptyDirectory();
    }

    @Test
    void aSingleFileIsCopiedUnderItsOwnNameAndReadOnly() throws IOException {
        Path file = data.resolve("secret.key");
        StagingCopyProvider provider = provider(MIB);
        assertThat(provider.supports(file)).isInstanceOf(Support.Supported.class);

        Snapshot s = provider.take(file, "job-file", NOW);

        assertThat(s.source()).isEqualTo(file.toRealPath());
        assertThat(s.location()).isEqualTo(Path.of(s.handle()).resolve("secret.key"));
        assertThat(Files.readAllBytes(s.location())).isEqualTo(Files.readAllBytes(file));
        assertThat(SnapshotTrees.modeOf(s.location())).isEqualTo("600");
        assertThatThrownBy(() -> Files.writeString(s.location(), "x")).isInstanceOf(FileSystemException.class);
        Files.writeString(file, "changed after the copy\n");
        assertThat(Files.readString(s.location())).isEqualTo("top secret\n");
        provider.delete(s);
        assertThat(staging.resolve("job-file")).doesNotExist();
    }

    @Test
    void theDefaultStagingFolderGoesWithItsLastCopyAlsoAfterACrashButNeverThroughASymlink() throws IOException {
        // A private mount point on the same ext4 filesystem, so the default folder is this test's own.
        Path fs = Files.createDirectories(dir.resolve("fs"));
        bindMount(fs);
        try {
            Path own = fs.resolve("own");
            SnapshotTrees.populate(own);
            StagingCopyProvider provider = new StagingCopyProvider(MIB);
            Path folder = fs.resolve(StagingCopyProvider.DEFAULT_FOLDER);

            Snapshot first = provider.take(own, "job-one", NOW);
            provider.take(own.resolve("secret.key"), "crashed-two", NOW);
            assertThat(Path.of(first.handle()).getParent().getParent()).isEqualTo(folder);
            provider.delete(first);
            assertThat(folder.resolve("job-one")).doesNotExist();
            assertThat(folder).as("another job's copy is still in it").isDirectory();
            // What the next start does after a crash: find the job's leftovers and delete them.
            provider.leftovers(own, "crashed-").forEach(provider::delete);
            assertThat(folder).doesNotExist();

            // The default folder is a symlink (someone put it elsewhere): neither it nor its target is removed.
            Path elsewhere = Files.createDirectories(fs.resolve("elsewhere"));
            Files.createSymbolicLink(folder, elsewhere);
            Snapshot linked = provider.take(own, "job-linked", NOW);
            provider.delete(linked);
            assertThat(folder).isSymbolicLink();
            assertThat(elsewhere).isEmptyDirectory();
        } finally {
            Commands.run(List.of("umount", fs.toString()), Duration.ofSeconds(30));
        }
    }

    private static void bindMount(Path folder) {
        Commands.Result mount = Commands.run(List.of("mount", "--bind", folder.toString(), folder.toString()),
                Duration.ofSeconds(30));
        assertThat(mount.ok()).as("this test needs root to bind-mount: " + mount.failure()).isTrue();
    }

    @Test
    void stagingFolderInsideTheDataIsRefused() {
        StagingCopyProvider provider = new StagingCopyProvider(MIB, data.resolve(".staging"), Duration.ofSeconds(30));

        assertThat(((Support.Unsupported) provider.supports(data)).reason()).contains("inside the data");
    }

    @Test
    void missingPathIsUnsupported() {
        assertThat(((Support.Unsupported) provider(MIB).supports(dir.resolve("nope"))).reason())
                .isEqualTo(dir.resolve("nope") + " does not exist");
    }
}
