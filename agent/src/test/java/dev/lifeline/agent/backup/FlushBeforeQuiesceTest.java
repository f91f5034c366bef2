package dev.lifeline.agent.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.agent.snapshot.BtrfsSnapshotProvider;
import dev.lifeline.agent.snapshot.SyncfsFlush;
import dev.lifeline.core.backup.BackupPath;
import dev.lifeline.core.backup.Hook;
import dev.lifeline.core.snapshot.DataFlush;
import dev.lifeline.core.snapshot.SnapshotProviders;
import dev.lifeline.testkit.btrfs.BtrfsLoop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A job's flush of its data's filesystem comes before its marker and its stop, and never fails the job: the real
 * btrfs snapshot provider on a loop device, the real {@code sync -f} (or a real program that fails or hangs in its
 * place); the engine and the journal are the in-memory ones, which record the order of the stop and the marker.
 * Needs root and btrfs-progs; fails otherwise.
 */
@Tag("btrfs")
class FlushBeforeQuiesceTest {
    private static final Hook CHECKPOINT = new Hook("app", List.of("psql", "-c", "CHECKPOINT"));
    /** Created once for the class (a failure to create it fails every test), unmounted after the last. */
    @AutoClose
    private static final BtrfsLoop btrfs = BtrfsLoop.create();

    private final OneStackJob job = new OneStackJob();
    private final SnapshotReader reader = new SnapshotReader();


    @Test
    void theDataIsWrittenBackBeforeTheMarkerAndTheStopAfterThePrepareHooks() throws Exception {
        Path data = btrfs.subvolume("db");
        BtrfsLoop.writeUnsynced(data.resolve("table"), 32);
        long writtenBefore = btrfs.bytesWrittenToDevice();
        RecordingFlush flush = new RecordingFlush(new SyncfsFlush(Duration.ofSeconds(60), job.clock), job,
                btrfs::bytesWrittenToDevice);

        JobView done = run(data, flush);

        assertThat(done.phase()).as(String.valueOf(done.failure())).isEqualTo("done");
        RecordingFlush.AtFlushEnd atEnd = flush.atEnd();
        assertThat(atEnd.openMarkers()).as("markers open when the flush ended").isEmpty();
        assertThat(atEnd.engineCalls()).as("engine calls when the flush ended")
                .containsExactly("exec app psql -c CHECKPOINT");
        assertThat(atEnd.bytesWritten() - writtenBefore).as("bytes written back to the device by then")
                .isGreaterThanOrEqualTo(32L << 20);
        assertThat(job.engine.callLog()).containsExactly("exec app psql -c CHECKPOINT", "stop app", "start app");
        assertThat(done.flushes()).singleElement().satisfies(f -> {
            assertThat(f.filesystem()).isEqualTo(btrfs.mountPoint().toRealPath().toString());
            assertThat(f.failure()).isNull();
            assertThat(f.passes()).as("a second while the host has much dirty").isBetween(1, 2);
        });
        assertThat(reader.found()).containsEntry("table", 32L << 20);
    }

    @Test
    void aFailingFlushLeavesTheJobRunningAndIsTimedInItsRecord() throws Exception {
        Path data = btrfs.subvolume("failing");
        BtrfsLoop.writeUnsynced(data.resolve("table"), 4);
        RecordingFlush flush = new RecordingFlush(new SyncfsFlush(List.of("false"), Duration.ofSeconds(60), job.clock,
                1, 0), job, () -> 0);

        JobView done = run(data, flush);

        assertThat(done.phase()).as(String.valueOf(done.failure())).isEqualTo("done");
        assertThat(done.flushes()).singleElement().satisfies(f -> {
            assertThat(f.failure()).contains("failed (exit 1)");
            assertThat(f.millis()).isNotNegative();
        });
        assertThat(done.notes()).anySatisfy(n -> assertThat(n).contains("flush of", "did not complete",
                "the snapshot wrote back what was left"));
        assertThat(job.engine.callLog()).containsSubsequence("stop app", "start app");
        assertThat(reader.found()).containsEntry("table", 4L << 20);
    }

    @Test
    void aFlushPastItsBoundIsGivenUpAndTheJobGoesOn() throws Exception {
        Path data = btrfs.subvolume("hanging");
        BtrfsLoop.writeUnsynced(data.resolve("table"), 4);
        RecordingFlush flush = new RecordingFlush(new SyncfsFlush(List.of("sh", "-c", "sleep 30", "sh"),
                Duration.ofMillis(300), job.clock, 1, 0), job, () -> 0);

        JobView done = run(data, flush);

        assertThat(done.phase()).as(String.valueOf(done.failure())).isEqualTo("done");
        assertThat(done.flushes()).singleElement().satisfies(f -> {
            assertThat(f.failure()).contains("did not finish within");
            assertThat(f.millis()).isBetween(300L, 20_000L);
        });
        assertThat(flush.atEnd().openMarkers()).isEmpty();
        assertThat(reader.found()).containsEntry("table", 4L << 20);
    }

    /** A snapshot job of the stack whose one data path is {@code data}, its prepare hook CHECKPOINT. */
    private JobView run(Path data, DataFlush flush) throws Exception {
        DataPath path = new DataPath(OneStackJob.STACK, "app", data.toRealPath(), "/data", "", false);
        return job.run(reader, new SnapshotProviders(List.of(new BtrfsSnapshotProvider())), flush,
                BackupPath.SNAPSHOT, List.of(path), List.of(CHECKPOINT), null);
    }
}
