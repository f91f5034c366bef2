package dev.lifeline.agent.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeline.agent.snapshot.StagingCopyProvider;
import dev.lifeline.core.backup.BackupPath;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.repository.BackupProgress;
import dev.lifeline.core.repository.BackupRepository;
import dev.lifeline.core.repository.BackupSummary;
import dev.lifeline.core.repository.RepositoryException;
import dev.lifeline.core.snapshot.DataFlush;
import dev.lifeline.core.snapshot.SnapshotProviders;
import dev.lifeline.testkit.sim.FakeEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's small data paths upload beside its large ones, and the first failure ends both lanes. Logic only: the
 * repository is an in-memory stand-in whose uploads wait on latches (no sleeps); the engine is the in-memory fake.
 * Real restic and Podman run this path in the backup tests of the cli module.
 */
class UploadLanesTest {
    private static final StackName STACK = OneStackJob.STACK;

    @TempDir
    Path dir;

    private final OneStackJob job = new OneStackJob();
    private final FakeEngine engine = job.engine;
    /** A stack's two data paths: over a thousand files, and one config file. */
    private DataPath large;
    private DataPath small;

    @BeforeEach
    void twoDataPaths() throws IOException {
        Path largeDir = Files.createDirectories(dir.resolve("large"));
        for (int i = 0; i <= UploadLanes.SMALL_ENTRIES; i++) {
            Files.createFile(largeDir.resolve("f" + i));
        }
        large = new DataPath(STACK, "app", largeDir, "/data", "", false);
        Path smallDir = Files.createDirectories(dir.resolve("small"));
        Files.writeString(smallDir.resolve("app.conf"), "x\n");
        small = new DataPath(STACK, "app", smallDir, "/etc/app", "", false);
    }

    @Test
    void splitsLargeFromSmallAndKeepsTheLargeInOrder() {
        DataPath a = path("a");
        DataPath b = path("b");
        DataPath c = path("c");
        DataPath d = path("d");
        UploadLanes lanes = UploadLanes.of(List.of(a, b, c, d), p -> p == b || p == d);
        assertEquals(List.of(a, c), lanes.main());
        assertEquals(List.of(b, d), lanes.side());

        UploadLanes allSmall = UploadLanes.of(List.of(a, b, c), p -> true);
        assertEquals(List.of(a, c), allSmall.main(), "small paths alone share both lanes");
        assertEquals(List.of(b), allSmall.side());

        UploadLanes allLarge = UploadLanes.of(List.of(a, b), p -> false);
        assertEquals(List.of(a, b), allLarge.main(), "large paths never run two at a time");
        assertTrue(allLarge.side().isEmpty());
    }

    @Test
    void aFolderIsSmallUpToAThousandEntriesAndSixtyFourMegabytes() throws IOException {
        Path few = Files.createDirectories(dir.resolve("few"));
        Files.writeString(few.resolve("postgresql.conf"), "listen_addresses = ''\n");
        assertTrue(UploadLanes.isSmall(few));
        assertTrue(UploadLanes.isSmall(few.resolve("postgresql.conf")), "a single file");

        Path many = Files.createDirectories(dir.resolve("many"));
        for (int i = 0; i < UploadLanes.SMALL_ENTRIES; i++) {
            Files.createFile(many.resolve("f" + i));
        }
        assertFalse(UploadLanes.isSmall(many), "the folder itself and a thousand files");

        Path big = Files.createDirectories(dir.resolve("big"));
        try (var f = new java.io.RandomAccessFile(big.resolve("sparse").toFile(), "rw")) {
            f.setLength(UploadLanes.SMALL_BYTES + 1); // sparse: no disk needed
        }
        assertFalse(UploadLanes.isSmall(big));
        assertFalse(UploadLanes.isSmall(dir.resolve("missing")), "what cannot be read counts as large");
    }

    @Test
    void theSmallPathIsStoredWhileTheLargeOneStillUploads() throws Exception {
        CountDownLatch smallStored = new CountDownLatch(1);
        LaneRepository repository = new LaneRepository(source -> {
            if (source.equals(large.source())) {
                // the large upload ends only once the small one is stored: with one lane this never happens
                if (!await(smallStored)) {
                    throw new IllegalStateException("the small path was not stored beside the large one");
                }
            }
        }, source -> {
            if (source.equals(small.source())) {
                smallStored.countDown();
            }
        });
        JobView job = runJob(repository, List.of(large, small), null);

        assertEquals("done", job.phase(), String.valueOf(job.failure()));
        assertEquals(java.util.Set.of(small.source().toString(), large.source().toString()),
                java.util.Set.copyOf(job.uploads().stream().map(JobView.Upload::source).toList()));
        assertTrue(engine.inspect("app").orElseThrow().isUp(), "the stack is started again after the upload");
    }

    @Test
    void aFailedSmallUploadEndsTheLargeOneAndFailsTheJobWithItsReason() throws Exception {
        CountDownLatch largeStarted = new CountDownLatch(1);
        AtomicBoolean largeInterrupted = new AtomicBoolean();
        LaneRepository repository = new LaneRepository(source -> {
            if (source.equals(large.source())) {
                largeStarted.countDown();
                uploadUntilEnded(() -> largeInterrupted.set(true));
            }
            await(largeStarted);
            throw new RepositoryException(RepositoryException.Reason.FAILED, "repository full", List.of("restic"), 1,
                    "", "free space", null);
        }, source -> { });
        JobView job = runJob(repository, List.of(large, small), null);

        assertEquals("failed", job.phase());
        assertTrue(job.failure().contains("repository full"), job.failure());
        assertTrue(largeInterrupted.get(), "the large path's restic was ended");
        assertTrue(engine.inspect("app").orElseThrow().isUp(), "the stack is started again");
    }

    @Test
    void cancellingTheJobEndsBothLanes() throws Exception {
        CountDownLatch bothUploading = new CountDownLatch(2);
        LaneRepository repository = new LaneRepository(source -> {
            bothUploading.countDown();
            uploadUntilEnded(() -> { });
        }, source -> { });
        JobView job = runJob(repository, List.of(large, small), runner -> {
            await(bothUploading);
            runner.cancel("asked by the test");
        });

        assertEquals("failed", job.phase());
        assertTrue(job.failure().contains("asked by the test") || job.failure().contains("cancel"), job.failure());
        assertFalse(job.failure().contains("was not ended"), job.failure());
        assertTrue(engine.inspect("app").orElseThrow().isUp(), "the stack is started again");
    }

    // ---- the job ----------------------------------------------------------------------------------------------

    /** Runs a stop-mode fallback job of the one-container stack to its end; {@code meanwhile} runs beside it. */
    private JobView runJob(BackupRepository repository, List<DataPath> paths, Consumer<BackupRunner> meanwhile)
            throws Exception {
        // the fallback path takes no snapshot; the providers are there because a job always has some
        return job.run(repository, new SnapshotProviders(List.of(new StagingCopyProvider(0))), DataFlush.NONE,
                BackupPath.STOP_FALLBACK, paths, List.of(), meanwhile);
    }

    private static DataPath path(String name) {
        return new DataPath(STACK, "app", Path.of("/srv", name), "/" + name, "", false);
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cancelled(e);
        }
    }

    /** An upload that runs until its thread is interrupted (restic ended), then fails as a cancelled restic does. */
    private static void uploadUntilEnded(Runnable whenEnded) {
        try {
            new CountDownLatch(1).await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            whenEnded.run();
            throw cancelled(e);
        }
        throw new IllegalStateException("the upload was not ended");
    }

    private static RepositoryException cancelled(InterruptedException e) {
        return new RepositoryException(RepositoryException.Reason.CANCELLED, "restic was cancelled",
                List.of("restic"), -1, "", "nothing", e);
    }

    /** Uploads that run {@code during} (which may wait or fail), then {@code stored}; nothing else is used. */
    private record LaneRepository(Consumer<Path> during, Consumer<Path> stored) implements StubRepository {
        @Override
        public BackupSummary backup(List<Path> paths, Map<String, String> tags, Path workingDir,
                Consumer<BackupProgress> progress) {
            Path source = Path.of(tags.get("source"));
            during.accept(source);
            stored.accept(source);
            return new BackupSummary("snap-" + source.getFileName(), 1, 0, 0, 1, 1, Duration.ZERO);
        }
    }
}
