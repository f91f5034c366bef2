package dev.lifeline.agent.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.agent.snapshot.StagingCopyProvider;
import dev.lifeline.agent.snapshot.SyncfsFlush;
import dev.lifeline.core.backup.BackupPath;
import dev.lifeline.core.backup.Hook;
import dev.lifeline.core.engine.ExecResult;
import dev.lifeline.core.snapshot.DataFlush;
import dev.lifeline.core.snapshot.SnapshotProviders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a job does before its marker while the app still serves, with the staging-copy provider and the real
 * {@code sync -f} on the temp dir's filesystem: the prepare hooks, then the flush, neither failing the job. The engine
 * and the journal are the in-memory ones (the hooks' execs are answered there).
 */
class PrepareWhileServingTest {
    private static final Hook CHECKPOINT = new Hook("app", List.of("psql", "-c", "CHECKPOINT"));

    @TempDir
    Path dir;

    private final OneStackJob job = new OneStackJob();
    private final SnapshotReader reader = new SnapshotReader();

    @Test
    void aStagingCopyIsFlushedBeforeTheMarkerAndTheStopToo() throws Exception {
        RecordingFlush flush = new RecordingFlush(new SyncfsFlush(Duration.ofSeconds(60), job.clock), job, () -> 0);

        JobView done = run(flush);

        assertThat(done.phase()).as(String.valueOf(done.failure())).isEqualTo("done");
        assertThat(flush.atEnd().openMarkers()).isEmpty();
        assertThat(flush.atEnd().engineCalls()).containsExactly("exec app psql -c CHECKPOINT");
        assertThat(done.flushes()).singleElement().satisfies(f -> assertThat(f.failure()).isNull());
        assertThat(done.prepareHooks()).singleElement().satisfies(h -> {
            assertThat(h.stack()).isEqualTo("app");
            assertThat(h.container()).isEqualTo("app");
            assertThat(h.program()).isEqualTo("psql");
            assertThat(h.failure()).isNull();
        });
        assertThat(reader.found()).containsEntry("app.conf", 2L);
    }

    @Test
    void aFailingPrepareHookIsANoteAndTheJobGoesOn() throws Exception {
        job.engine.execAnswers("app", new ExecResult(2, "ERROR:  must be superuser to do CHECKPOINT", false));
        RecordingFlush flush = new RecordingFlush(new SyncfsFlush(Duration.ofSeconds(60), job.clock), job, () -> 0);

        JobView done = run(flush);

        assertThat(done.phase()).as(String.valueOf(done.failure())).isEqualTo("done");
        assertThat(done.prepareHooks()).singleElement().satisfies(h -> assertThat(h.failure())
                .contains("prepare-hook psql in app exited 2", "must be superuser"));
        assertThat(done.notes()).anySatisfy(n -> assertThat(n).contains("app: prepare-hook psql", "the job goes on"));
        assertThat(flush.atEnd()).as("the flush ran all the same").isNotNull();
        assertThat(job.engine.callLog()).containsExactly("exec app psql -c CHECKPOINT", "stop app", "start app");
    }

    /** A job of the stack whose data path is a folder on the temp dir's filesystem, read from a staging copy. */
    private JobView run(DataFlush flush) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("app.conf"), "x\n");
        SnapshotProviders staging = new SnapshotProviders(List.of(new StagingCopyProvider(1L << 20,
                dir.resolve("staging"), Duration.ofMinutes(1))));
        DataPath path = new DataPath(OneStackJob.STACK, "app", data.toRealPath(), "/etc/app", "", false);
        return job.run(reader, staging, flush, BackupPath.SNAPSHOT, List.of(path), List.of(CHECKPOINT), null);
    }
}
