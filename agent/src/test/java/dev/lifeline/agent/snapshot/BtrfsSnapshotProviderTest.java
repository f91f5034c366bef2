package dev.lifeline.agent.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.core.snapshot.Snapshot;
import dev.lifeline.core.snapshot.SnapshotException;
import dev.lifeline.core.snapshot.Support;
import dev.lifeline.testkit.btrfs.BtrfsLoop;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Against a real btrfs filesystem on a loop device (needs root and btrfs-progs; fails otherwise). */
@Tag("btrfs")
class BtrfsSnapshotProviderTest {
    private static final Logger log = LoggerFactory.getLogger(BtrfsSnapshotProviderTest.class);
    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
    /** Created once for the class (a failure to create it fails every test), unmounted after the last. */
    @AutoClose
    private static final BtrfsLoop btrfs = BtrfsLoop.create();

    private final BtrfsSnapshotProvider provider = new BtrfsSnapshotProvider();

    @TempDir
    Path ext4;


    @Test
    void snapshotHoldsTheTreeAsItWasAndDoesNotFollowLaterChanges() throws IOException {
        Path vol = btrfs.subvolume("frozen");
        SnapshotTrees.populate(vol);
        Map<String, String> before = SnapshotTrees.describe(vol);

        Snapshot s = provider.take(vol, "job-frozen", NOW);

        assertThat(s.provider()).isEqualTo("btrfs");
        assertThat(s.source()).isEqualTo(vol.toRealPath());
        assertThat(s.location()).isEqualTo(btrfs.mountPoint().resolve(".lifeline-snapshots/job-frozen")
                .resolve(Path.of(s.handle()).getFileName()));
        assertThat(s.takenAt()).isEqualTo(NOW);
        assertThat(SnapshotTrees.describe(s.location())).isEqualTo(before);
        assertThat(SnapshotTrees.modeOf(s.location().resolve("secret.key"))).isEqualTo("600");
        assertThat(Files.getAttribute(s.location().resolve("db/owned-by-app"), "unix:uid"))
                .isEqualTo(SnapshotTrees.OTHER_UID);
        assertThat(Files.readSymbolicLink(s.location().resolve("current"))).isEqualTo(Path.of("db/wal.log"));

        SnapshotTrees.mutate(vol);

        assertThat(SnapshotTrees.describe(vol)).isNotEqualTo(before);
        assertThat(SnapshotTrees.describe(s.location())).isEqualTo(before);
        provider.delete(s);
    }

    @Test
    void snapshotIsReadOnlyEvenForRoot() throws IOException {
        Path vol = btrfs.subvolume("readonly");
        SnapshotTrees.populate(vol);
        Snapshot s = provider.take(vol, "job-readonly", NOW);

        assertThatThrownBy(() -> Files.writeString(s.location().resolve("new-file"), "x"))
                .isInstanceOf(FileSystemException.class).hasMessageContaining("Read-only file system");
        assertThatThrownBy(() -> Files.writeString(s.location().resolve("db/wal.log"), "x",
                StandardOpenOption.APPEND)).isInstanceOf(FileSystemException.class);
        assertThatThrownBy(() -> Files.delete(s.location().resolve("secret.key")))
                .isInstanceOf(FileSystemException.class);
        provider.delete(s);
    }

    @Test
    void takingASnapshotIsFastWhateverTheSize() throws IOException {
        Path vol = btrfs.subvolume("big");
        SnapshotTrees.populate(vol);
        byte[] chunk = new byte[1024 * 1024];
        new java.util.Random(7).nextBytes(chunk);
        for (int i = 0; i < 64; i++) {
            Files.write(vol.resolve("blob"), chunk, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        for (int i = 0; i < 2000; i++) {
            Files.writeString(vol.resolve("small-" + i), "file " + i);
        }
        long started = System.nanoTime();
        Snapshot s = provider.take(vol, "job-fast", NOW);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // Measured, not asserted: the machine may be busy. Includes planning (mountinfo, rootid) and the record.
        log.info("event=measured what=btrfs_take data=64MiB+2000files millis={}", took.toMillis());
        System.out.println("btrfs take of 64 MiB + 2000 files: " + took.toMillis() + " ms");
        assertThat(SnapshotTrees.sha256(Files.readAllBytes(s.location().resolve("blob"))))
                .isEqualTo(SnapshotTrees.sha256(Files.readAllBytes(vol.resolve("blob"))));
        provider.delete(s);
    }

    @Test
    void deleteIsIdempotent() throws IOException {
        Path vol = btrfs.subvolume("twice");
        SnapshotTrees.populate(vol);
        Snapshot s = provider.take(vol, "job-twice", NOW);

        provider.delete(s);
        provider.delete(s);

        assertThat(Path.of(s.handle())).doesNotExist();
        assertThat(Path.of(s.handle()).getParent()).doesNotExist();
        assertThat(vol.resolve("secret.key")).exists();
        assertThat(provider.leftovers(vol, "job-twice")).isEmpty();
    }

    @Test
    void halfMadeSnapshotIsFoundAndDeleted() throws IOException {
        Path vol = btrfs.subvolume("halfmade");
        // A crash between writing the record and creating the subvolume: the record is all there is.
        Path handle = btrfs.mountPoint().resolve(".lifeline-snapshots/job-half/halfmade-crash");
        Files.createDirectories(handle.getParent());
        Snapshot half = new Snapshot("btrfs", vol, handle, "job-half", NOW, handle.toString());
        SnapshotRecords.write(half);

        assertThat(provider.leftovers(vol, "job-half")).containsExactly(half);
        provider.delete(half);
        provider.delete(half);

        assertThat(provider.leftovers(vol, "job-half")).isEmpty();
        assertThat(handle.getParent()).doesNotExist();
    }

    @Test
    void aReservationCutShortBeforeItsRecordLeavesNothingBehind() throws IOException {
        Path vol = btrfs.subvolume("cut-short");
        Path folder = btrfs.mountPoint().resolve(BtrfsSnapshotProvider.DEFAULT_FOLDER);
        // A crash right after the job folder was made, and one while the record was being written.
        Path empty = Files.createDirectories(folder.resolve("job-cut-1"));
        Path unfinished = Files.createDirectories(folder.resolve("job-cut-2"));
        Files.writeString(unfinished.resolve("cut-short-1234abcd.snapshot.tmp"), "provider=btrfs\n");
        // A file Lifeline never writes: the folder is left alone, whatever its name.
        Path stranger = Files.createDirectories(folder.resolve("job-cut-3"));
        Files.writeString(stranger.resolve("notes.txt"), "someone's");

        assertThat(provider.leftovers(vol, "job-cut-")).isEmpty();

        assertThat(empty).doesNotExist();
        assertThat(unfinished).doesNotExist();
        assertThat(stranger.resolve("notes.txt")).exists();
        Files.delete(stranger.resolve("notes.txt"));
        Files.delete(stranger);
        assertThat(provider.leftovers(vol, "")).isEmpty();
        assertThat(folder).as("the default folder goes when nothing is left in it").doesNotExist();
    }

    @Test
    void leftoversOfACrashedJobAreFoundAndCleaned() throws IOException {
        Path a = btrfs.subvolume("crash-a");
        Path b = btrfs.subvolume("crash-b");
        SnapshotTrees.populate(a);
        SnapshotTrees.populate(b);
        Snapshot a1 = provider.take(a, "crashed-1", NOW);
        Snapshot b1 = provider.take(b, "crashed-1", NOW.plusSeconds(1));
        Snapshot other = provider.take(a, "finished-2", NOW.plusSeconds(2));
        // The agent restarts knowing nothing but its data paths and the job id prefix.

        List<Snapshot> found = provider.leftovers(a, "crashed-");

        assertThat(found).containsExactly(a1, b1);
        found.forEach(provider::delete);
        assertThat(provider.leftovers(b, "crashed-")).isEmpty();
        assertThat(provider.leftovers(a, "")).containsExactly(other);
        assertThat(Path.of(a1.handle())).doesNotExist();
        assertThat(Path.of(a1.handle()).getParent()).as("the crashed job's folder").doesNotExist();
        assertThat(Path.of(other.handle())).exists();
        provider.delete(other);
        assertThat(btrfs.mountPoint().resolve(BtrfsSnapshotProvider.DEFAULT_FOLDER))
                .as("the default folder goes with its last snapshot").doesNotExist();
    }

    @Test
    void aSingleFileIsReadFromASnapshotOfItsSubvolume() throws IOException {
        Path vol = btrfs.subvolume("single-file");
        SnapshotTrees.populate(vol);
        Path file = vol.resolve("db/wal.log");
        byte[] before = Files.readAllBytes(file);

        assertThat(provider.supports(file)).isInstanceOf(Support.Supported.class);
        Snapshot s = provider.take(file, "job-file", NOW);

        assertThat(s.source()).isEqualTo(file.toRealPath());
        assertThat(s.location()).isEqualTo(Path.of(s.handle()).resolve("db/wal.log"));
        assertThat(Files.isRegularFile(s.location())).isTrue();
        SnapshotTrees.mutate(vol);
        assertThat(Files.readAllBytes(s.location())).isEqualTo(before).isNotEqualTo(Files.readAllBytes(file));
        provider.delete(s);
        assertThat(Path.of(s.handle())).doesNotExist();
    }

    @Test
    void pathOnExt4IsUnsupportedNamingTheFilesystem() throws IOException {
        Path data = Files.createDirectories(ext4.resolve("data"));

        Support support = provider.supports(data);

        assertThat(support).isInstanceOf(Support.Unsupported.class);
        String fsType = MountTable.read().find(data.toRealPath()).orElseThrow().fsType();
        assertThat(((Support.Unsupported) support).reason())
                .contains(data.toRealPath().toString()).contains("is on " + fsType).endsWith("not btrfs");
        assertThatThrownBy(() -> provider.take(data, "job-ext4", NOW))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("not btrfs");
        assertThat(provider.leftovers(data, "")).isEmpty();
    }

    @Test
    void folderInTheTopLevelSubvolumeIsUnsupported() throws IOException {
        Path plain = Files.createDirectories(btrfs.mountPoint().resolve("plain-folder/data"));

        Support support = provider.supports(plain);

        assertThat(support).isInstanceOf(Support.Unsupported.class);
        assertThat(((Support.Unsupported) support).reason())
                .contains(plain.toString()).contains("top-level subvolume").contains("btrfs subvolume create");
    }

    @Test
    void folderInsideASubvolumeSnapshotsTheSubvolumeAndPointsInside() throws IOException {
        Path vol = btrfs.subvolume("outer");
        Path data = Files.createDirectories(vol.resolve("app/data"));
        SnapshotTrees.populate(data);
        Files.writeString(vol.resolve("sibling-of-data"), "not part of the data");
        Map<String, String> before = SnapshotTrees.describe(data);

        assertThat(provider.supports(data)).isInstanceOf(Support.Supported.class);
        Snapshot s = provider.take(data, "job-inside", NOW);

        assertThat(s.location()).isEqualTo(Path.of(s.handle()).resolve("app/data"));
        assertThat(s.source()).isEqualTo(data.toRealPath());
        assertThat(SnapshotTrees.describe(s.location())).isEqualTo(before);
        SnapshotTrees.mutate(data);
        assertThat(SnapshotTrees.describe(s.location())).isEqualTo(before);
        provider.delete(s);
        assertThat(Path.of(s.handle())).doesNotExist();
    }

    @Test
    void configuredSnapshotFolderIsUsedAndMustBeOnTheSameFilesystem() throws IOException {
        Path vol = btrfs.subvolume("configured");
        SnapshotTrees.populate(vol);
        Path folder = btrfs.mountPoint().resolve("elsewhere/snaps");
        BtrfsSnapshotProvider configured = new BtrfsSnapshotProvider(folder, Duration.ofSeconds(30));

        Snapshot s = configured.take(vol, "job-conf", NOW);
        assertThat(Path.of(s.handle())).startsWith(folder.resolve("job-conf"));
        assertThat(configured.leftovers(vol, "")).containsExactly(s);
        configured.delete(s);
        assertThat(folder).as("a configured folder is the user's: it stays").isEmptyDirectory();

        BtrfsSnapshotProvider offFs = new BtrfsSnapshotProvider(ext4.resolve("snaps"), Duration.ofSeconds(30));
        assertThat(((Support.Unsupported) offFs.supports(vol)).reason())
                .contains("is not on the btrfs filesystem of " + vol);
        BtrfsSnapshotProvider insideData = new BtrfsSnapshotProvider(vol.resolve("snaps"), Duration.ofSeconds(30));
        assertThat(((Support.Unsupported) insideData.supports(vol)).reason()).contains("inside the data");
    }

    @Test
    void refusesToDeleteWhatItDidNotMake() {
        Path vol = btrfs.subvolume("precious");
        // A forged record pointing at a user's subvolume: no Lifeline record sits beside it.
        Snapshot forged = new Snapshot("btrfs", vol, vol, "mnt", NOW, vol.toString());

        assertThatThrownBy(() -> provider.delete(forged))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("refusing to delete " + vol);
        assertThat(vol).exists();
    }

    @Test
    void aReadiedSnapshotHasItsRecordBeforeTheTakeAndTheTakeUsesIt() throws IOException {
        Path vol = btrfs.subvolume("readied");
        SnapshotTrees.populate(vol);
        Map<String, String> before = SnapshotTrees.describe(vol);

        provider.ready(vol, "job-readied", NOW);

        // a crash now leaves a record of a snapshot not made yet: a leftover like a half-made one
        List<Snapshot> recorded = provider.leftovers(vol, "job-readied");
        assertThat(recorded).hasSize(1);
        assertThat(Path.of(recorded.get(0).handle())).doesNotExist();

        Snapshot s = provider.take(vol, "job-readied", NOW.plusSeconds(1));

        assertThat(s.handle()).isEqualTo(recorded.get(0).handle());
        assertThat(s.takenAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(SnapshotTrees.describe(s.location())).isEqualTo(before);
        assertThat(provider.leftovers(vol, "job-readied")).extracting(Snapshot::handle).containsExactly(s.handle());
        provider.delete(s);
        assertThat(provider.leftovers(vol, "job-readied")).isEmpty();
    }

    @Test
    void aReadiedSnapshotNeverTakenIsCleanedUpAsALeftover() throws IOException {
        Path vol = btrfs.subvolume("readied-only");

        provider.ready(vol, "job-never", NOW);
        provider.leftovers(vol, "job-never").forEach(provider::delete);

        assertThat(provider.leftovers(vol, "")).isEmpty();
        assertThat(btrfs.mountPoint().resolve(BtrfsSnapshotProvider.DEFAULT_FOLDER)).doesNotExist();
        // and a later take for the same job makes its record anew
        Snapshot s = provider.take(vol, "job-never", NOW);
        assertThat(Path.of(s.handle())).exists();
        provider.delete(s);
    }

    @Test
    void existingSnapshotForTheSameJobIsNotOverwritten() throws IOException {
        Path vol = btrfs.subvolume("again");
        Snapshot s = provider.take(vol, "job-again", NOW);

        assertThatThrownBy(() -> provider.take(vol, "job-again", NOW))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> provider.take(vol, "../escape", NOW))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("job id '../escape'");
        provider.delete(s);
    }
}
