package dev.lifeline.agent.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.snapshot.DataFlush.Flushed;
import dev.lifeline.testkit.btrfs.BtrfsLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flush before a job's quiesce, with the real {@code sync -f} on a real btrfs filesystem (loop device) and the
 * temp dir's own filesystem; needs root and btrfs-progs, fails otherwise.
 */
@Tag("btrfs")
class SyncfsFlushTest {
    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
    private static final InstantSource CLOCK = InstantSource.fixed(NOW);
    /** Created once for the class (a failure to create it fails every test), unmounted after the last. */
    @AutoClose
    private static final BtrfsLoop btrfs = BtrfsLoop.create();

    @TempDir
    Path local;


    @Test
    void writesBackWhatIsDirtyOnEachFilesystemOnceWhateverItsNumberOfDataPaths() throws IOException {
        Path db = btrfs.subvolume("flush-db");
        Path config = btrfs.subvolume("flush-config");
        BtrfsLoop.writeUnsynced(db.resolve("table"), 32);
        long writtenBefore = btrfs.bytesWrittenToDevice();

        List<Flushed> flushed = new SyncfsFlush(Duration.ofSeconds(60), CLOCK).flush(List.of(db, config, local));

        assertThat(btrfs.bytesWrittenToDevice() - writtenBefore).as("bytes the loop device received")
                .isGreaterThanOrEqualTo(32L << 20);
        assertThat(flushed).extracting(Flushed::filesystem)
                .containsExactly(btrfs.mountPoint().toRealPath(), mountPointOf(local));
        assertThat(flushed).allSatisfy(f -> {
            assertThat(f.failure()).isEmpty();
            assertThat(f.passes()).as("a second while the host has much dirty").isBetween(1, 2);
            assertThat(f.startedAt()).isEqualTo(NOW);
        });
    }

    @Test
    void aSecondPassRunsWhileTheKernelReportsMoreDirtyThanItsThreshold() {
        Path db = btrfs.subvolume("second-pass");
        List<Flushed> always = new SyncfsFlush(SyncfsFlush.SYNC_FILESYSTEM, Duration.ofSeconds(60), CLOCK, 2, -1)
                .flush(List.of(db));
        List<Flushed> never = new SyncfsFlush(SyncfsFlush.SYNC_FILESYSTEM, Duration.ofSeconds(60), CLOCK, 2,
                Long.MAX_VALUE).flush(List.of(db));

        assertThat(always).singleElement().satisfies(f -> assertThat(f.passes()).isEqualTo(2));
        assertThat(never).singleElement().satisfies(f -> assertThat(f.passes()).isEqualTo(1));
    }

    @Test
    void aFailingFlushIsReportedWithItsCommandNotThrown() throws IOException {
        Path data = local.toRealPath();
        List<Flushed> flushed = new SyncfsFlush(List.of("false"), Duration.ofSeconds(60), CLOCK, 1, 0)
                .flush(List.of(local));

        assertThat(flushed).singleElement().satisfies(f -> {
            assertThat(f.filesystem()).isEqualTo(mountPointOf(local));
            assertThat(f.failure()).hasValueSatisfying(why -> assertThat(why)
                    .contains("`false " + data + "` failed (exit 1)"));
        });
    }

    @Test
    void aMissingProgramSaysWhatSyncfsNeeds() {
        List<Flushed> flushed = new SyncfsFlush(List.of("lifeline-no-such-sync", "-f"), Duration.ofSeconds(60),
                CLOCK, 1, 0).flush(List.of(local));

        assertThat(flushed).singleElement().satisfies(f -> assertThat(f.failure()).hasValueSatisfying(why ->
                assertThat(why).contains("lifeline-no-such-sync", "not found on PATH", "GNU coreutils 8.24")));
    }

    @Test
    void aFlushThatOutlivesItsBoundIsGivenUpAtTheBound() {
        // a shell that sleeps (the data path is its unused $1): a stand-in for a flush stuck on a slow disk
        List<Flushed> flushed = new SyncfsFlush(List.of("sh", "-c", "sleep 30", "sh"), Duration.ofMillis(300), CLOCK,
                1, 0).flush(List.of(local));

        assertThat(flushed).singleElement().satisfies(f -> {
            assertThat(f.failure()).hasValueSatisfying(why -> assertThat(why).contains("did not finish within"));
            assertThat(f.took()).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(20));
        });
    }

    private static Path mountPointOf(Path path) {
        return switch (MountTable.place(path)) {
            case MountTable.Placed p -> p.mount().mountPoint();
            case MountTable.Unplaceable u -> throw new AssertionError(u.reason());
        };
    }
}
