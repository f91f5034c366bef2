package dev.lifeline.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.backup.JobAction.ApplyRetention;
import dev.lifeline.core.backup.JobAction.ClearMarker;
import dev.lifeline.core.backup.JobAction.DeleteSnapshots;
import dev.lifeline.core.backup.JobAction.Quiesce;
import dev.lifeline.core.backup.JobAction.RecordResult;
import dev.lifeline.core.backup.JobAction.Resume;
import dev.lifeline.core.backup.JobAction.TakeSnapshots;
import dev.lifeline.core.backup.JobAction.Upload;
import dev.lifeline.core.backup.JobAction.PrepareRepository;
import dev.lifeline.core.backup.JobAction.WriteMarker;
import dev.lifeline.core.backup.JobEvent.AgentShutdown;
import dev.lifeline.core.backup.JobEvent.Cancel;
import dev.lifeline.core.backup.JobEvent.MarkerWriteFailed;
import dev.lifeline.core.backup.JobEvent.MarkerWritten;
import dev.lifeline.core.backup.JobEvent.QuiesceFailed;
import dev.lifeline.core.backup.JobEvent.ResumeFailed;
import dev.lifeline.core.backup.JobEvent.SnapshotFailed;
import dev.lifeline.core.backup.JobEvent.SnapshotsTaken;
import dev.lifeline.core.backup.JobEvent.StackQuiesced;
import dev.lifeline.core.backup.JobEvent.StackResumed;
import dev.lifeline.core.backup.JobEvent.Start;
import dev.lifeline.core.backup.JobEvent.Tick;
import dev.lifeline.core.backup.JobEvent.UploadFailed;
import dev.lifeline.core.backup.JobEvent.UploadFinished;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.QuiesceMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BackupCycleTest {
    private static final Instant T0 = Instant.parse("2026-03-01T02:00:00Z");
    private static final StackName APP = StackName.of("app");
    private static final StackName DB = StackName.of("db");
    private static final Hook PRE = new Hook("db-1", List.of("flush"));
    private static final Hook POST = new Hook("db-1", List.of("unlock"));

    /** Feeds events one second apart and keeps every action. */
    private static final class Driver {
        JobState state;
        Instant now = T0;
        final List<JobAction> actions = new ArrayList<>();

        Driver(QuiesceMode appMode, QuiesceMode dbMode, BackupPath path) {
            QuiescePlan plan = new QuiescePlan(List.of(
                    new QuiesceTarget(APP, appMode, List.of("app-1"), List.of(), List.of()),
                    new QuiesceTarget(DB, dbMode, List.of("db-1"), List.of(PRE), List.of(POST))),
                    List.of(), List.of(), List.of());
            state = BackupCycle.create("job-1", plan, path, Duration.ofMinutes(5));
        }

        List<JobAction> feed(JobEvent event) {
            BackupCycle.Step step = BackupCycle.next(state, event, now);
            now = now.plusSeconds(1);
            state = step.next();
            actions.addAll(step.actions());
            return step.actions();
        }

        /** Start, and the repository is ready: returns the actions of the latter (the marker write). */
        List<JobAction> start() {
            feed(new Start());
            return feed(new JobEvent.RepositoryReady());
        }

        String trace() {
            return actions.stream().map(BackupCycleTest::describe).collect(Collectors.joining(", "));
        }
    }

    static String describe(JobAction action) {
        return switch (action) {
            case PrepareRepository p -> "prepare";
            case WriteMarker w -> "marker" + w.stacks();
            case Quiesce q -> "quiesce " + q.stack() + " " + q.mode().labelValue()
                    + (q.preHooks().isEmpty() ? "" : " pre");
            case TakeSnapshots t -> "snapshot";
            case Resume r -> "resume " + r.stack() + " " + r.mode().labelValue()
                    + (r.postHooks().isEmpty() ? "" : " post");
            case Upload u -> "upload " + u.path().wireName();
            case DeleteSnapshots d -> "delete-snapshots";
            case ApplyRetention a -> "retention";
            case ClearMarker c -> "clear-marker";
            case RecordResult r -> "record " + r.result().phase().wireName();
        };
    }

    private static void quiesceBoth(Driver d) {
        d.start();
        d.feed(new MarkerWritten());
        d.feed(new StackQuiesced(APP));
        d.feed(new StackQuiesced(DB));
    }

    @Test
    void happyPathWithSnapshotsResumesRightAfterTheSnapshotAndUploadsFromIt() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        assertThat(d.feed(new Start())).singleElement().isEqualTo(new PrepareRepository("job-1",
                java.util.Map.of(APP, QuiesceMode.STOP, DB, QuiesceMode.STOP)));
        assertThat(d.state.deadline()).as("opening the repository costs no downtime: no deadline yet").isEmpty();
        assertThat(d.feed(new JobEvent.RepositoryReady())).singleElement().isEqualTo(new WriteMarker("job-1",
                List.of(APP, DB), java.util.Map.of(APP, QuiesceMode.STOP, DB, QuiesceMode.STOP),
                T0.plusSeconds(1).plus(Duration.ofMinutes(5))));
        assertThat(d.state.phase()).isEqualTo(JobPhase.PENDING);
        d.feed(new MarkerWritten());
        assertThat(d.state.phase()).isEqualTo(JobPhase.QUIESCING);
        d.feed(new StackQuiesced(APP));
        d.feed(new StackQuiesced(DB));
        d.feed(new SnapshotsTaken());
        assertThat(d.state.phase()).isEqualTo(JobPhase.SNAPSHOTTED);
        d.feed(new StackResumed(DB));
        d.feed(new StackResumed(APP));
        assertThat(d.state.phase()).isEqualTo(JobPhase.UPLOADING);
        d.feed(new UploadFinished("snapshot 1a2b"));
        assertThat(d.trace()).isEqualTo("prepare, marker[app, db], quiesce app stop, quiesce db stop pre, snapshot, "
                + "resume db stop post, resume app stop, upload snapshot, "
                + "delete-snapshots, retention, clear-marker, record done");
        assertThat(d.state.phase()).isEqualTo(JobPhase.DONE);
        assertThat(d.state.uploadSummary()).contains("snapshot 1a2b");
        assertThat(d.state.phaseTimes()).containsOnlyKeys(JobPhase.PENDING, JobPhase.QUIESCING,
                JobPhase.SNAPSHOTTED, JobPhase.UPLOADING, JobPhase.DONE);
        assertThat(d.state.stack(APP).orElseThrow().quiescedAt()).contains(T0.plusSeconds(3));
        assertThat(d.state.stack(APP).orElseThrow().resumedAt()).contains(T0.plusSeconds(7));
        assertThat(d.actions.getLast()).isEqualTo(new RecordResult(d.state));
    }

    @Test
    void happyPathCarriesEachStacksModeToQuiesceAndResume() {
        for (QuiesceMode mode : QuiesceMode.values()) {
            Driver d = new Driver(mode, QuiesceMode.PAUSE, BackupPath.SNAPSHOT);
            quiesceBoth(d);
            d.feed(new SnapshotsTaken());
            d.feed(new StackResumed(DB));
            d.feed(new StackResumed(APP));
            d.feed(new UploadFinished("ok"));
            String m = mode.labelValue();
            assertThat(d.trace()).isEqualTo("prepare, marker[app, db], quiesce app " + m + ", quiesce db pause pre, snapshot, "
                    + "resume db pause post, resume app " + m + ", upload snapshot, "
                    + "delete-snapshots, retention, clear-marker, record done");
        }
    }

    @Test
    void theUploadWaitsUntilEveryResumeHasEnded() {
        // reading the snapshots beside the apps' starts would take the disk and the CPUs from them
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        quiesceBoth(d);
        assertThat(d.feed(new SnapshotsTaken())).extracting(BackupCycleTest::describe)
                .containsExactly("resume db stop post", "resume app stop");
        assertThat(d.feed(new StackResumed(DB))).isEmpty();
        assertThat(d.state.phase()).isEqualTo(JobPhase.SNAPSHOTTED);
        assertThat(d.feed(new StackResumed(APP))).extracting(BackupCycleTest::describe)
                .containsExactly("upload snapshot");
        assertThat(d.state.phase()).isEqualTo(JobPhase.UPLOADING);
    }

    @Test
    void aCancelOnceTheSnapshotsExistResumesAndUploadsNothing() {
        Driver cancelled = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        quiesceBoth(cancelled);
        cancelled.feed(new SnapshotsTaken());
        cancelled.feed(new Cancel("user"));
        cancelled.feed(new StackResumed(DB));
        cancelled.feed(new StackResumed(APP));
        assertThat(cancelled.trace()).endsWith("resume db stop post, resume app stop, delete-snapshots, clear-marker, "
                + "record failed");
        assertThat(cancelled.state.abandoned()).isTrue();
    }

    @Test
    void stopFallbackStopsPauseAndHookStacksUploadsWhileQuiescedAndResumesAtTheEnd() {
        Driver d = new Driver(QuiesceMode.HOOK, QuiesceMode.NONE, BackupPath.STOP_FALLBACK);
        quiesceBoth(d);
        assertThat(d.state.phase()).isEqualTo(JobPhase.UPLOADING);
        d.feed(new UploadFinished("ok"));
        d.feed(new StackResumed(DB));
        d.feed(new StackResumed(APP));
        assertThat(d.trace()).isEqualTo("prepare, marker[app, db], quiesce app stop, quiesce db none pre, "
                + "upload stop-fallback, resume db none post, resume app stop, retention, clear-marker, record done");
        assertThat(d.state.notes()).anySatisfy(n -> assertThat(n).contains("stop-mode fallback"));
        assertThat(d.state.path()).isEqualTo(BackupPath.STOP_FALLBACK);
    }

    @Test
    void aMarkerThatCannotBeWrittenTouchesNoStackAndFailsTheJobWithTheReason() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        d.start();
        d.feed(new MarkerWriteFailed("disk full"));
        assertThat(d.trace()).isEqualTo("prepare, marker[app, db], record failed");
        assertThat(d.state.failure()).contains("could not write the quiesce marker (disk full); no stack was touched");
    }

    @Test
    void aRepositoryThatCannotBeOpenedTouchesNoStackAndFailsTheJobWithTheReason() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        d.feed(new Start());
        d.feed(new JobEvent.RepositoryUnavailable("wrong password"));
        d.feed(new JobEvent.RepositoryReady()); // a late outcome changes nothing
        d.feed(new MarkerWritten());
        assertThat(d.trace()).isEqualTo("prepare, record failed");
        assertThat(d.state.marker()).isEqualTo(JobState.Marker.NOT_WRITTEN);
        assertThat(d.state.failure()).contains("the backup repository cannot be used (wrong password); no stack was"
                + " touched");
    }

    @Test
    void aQuiesceFailureResumesEveryStackTouchedSoFarIncludingThePartlyQuiescedOne() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        d.start();
        d.feed(new MarkerWritten());
        d.feed(new StackQuiesced(APP));
        d.feed(new QuiesceFailed(DB, "timeout"));
        d.feed(new StackResumed(DB));
        d.feed(new StackResumed(APP));
        assertThat(d.trace()).isEqualTo("prepare, marker[app, db], quiesce app stop, quiesce db stop pre, "
                + "resume db stop post, resume app stop, clear-marker, record failed");
        assertThat(d.state.failure()).contains("quiesce of db failed: timeout");
        assertThat(d.state.stack(DB).orElseThrow().error()).contains("quiesce failed: timeout");
    }

    @Test
    void cancelWhileQuiescingNeverResumesAStackThatWasNotQuiesced() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        d.start();
        d.feed(new MarkerWritten());
        d.feed(new StackQuiesced(APP));
        d.feed(new Cancel("user"));
        // db's quiesce was issued in the same step as app's outcome: it is in flight, so it is resumed too
        assertThat(d.trace()).endsWith("quiesce db stop pre, resume db stop post, resume app stop");
        Driver early = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        early.start();
        early.feed(new MarkerWritten());
        early.feed(new Cancel("user"));
        early.feed(new StackResumed(APP));
        assertThat(early.trace()).isEqualTo("prepare, marker[app, db], quiesce app stop, resume app stop, clear-marker, "
                + "record failed");
    }

    @Test
    void aSnapshotFailureResumesDeletesWhateverWasTakenAndFails() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        quiesceBoth(d);
        d.feed(new SnapshotFailed("no space in the pool"));
        d.feed(new StackResumed(DB));
        d.feed(new StackResumed(APP));
        assertThat(d.trace()).endsWith("snapshot, resume db stop post, resume app stop, delete-snapshots, "
                + "clear-marker, record failed");
    }

    @Test
    void anUploadFailureAfterSnapshottedLeavesAppsUpAppliesNoRetentionAndFails() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        quiesceBoth(d);
        d.feed(new SnapshotsTaken());
        d.feed(new StackResumed(DB));
        d.feed(new StackResumed(APP));
        d.feed(new UploadFailed("repository locked"));
        assertThat(d.trace()).endsWith("upload snapshot, delete-snapshots, clear-marker, record failed");
        assertThat(d.state.failure()).contains("upload failed: repository locked");
        assertThat(d.state.stacks()).allSatisfy(s -> assertThat(s.status()).isEqualTo(StackDetail.Status.RESUMED));
    }

    @Test
    void aFailedResumeStillUploadsTheSnapshotsThenTheJobIsRecordedFailed() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        quiesceBoth(d);
        d.feed(new SnapshotsTaken());
        d.feed(new ResumeFailed(DB, "unhealthy"));
        assertThat(d.feed(new StackResumed(APP))).extracting(BackupCycleTest::describe)
                .containsExactly("upload snapshot");
        d.feed(new UploadFinished("ok"));
        assertThat(d.trace()).endsWith("upload snapshot, delete-snapshots, clear-marker, record failed");
        assertThat(d.state.phase()).isEqualTo(JobPhase.FAILED);
        assertThat(d.state.uploadSummary()).contains("ok");
        assertThat(d.state.stack(DB).orElseThrow().error()).contains("resume failed: unhealthy");
    }

    @Test
    void theDeadlineBeforeTheSnapshotResumesEveryStackAtOnceAndFails() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        quiesceBoth(d);
        assertThat(d.feed(new Tick())).isEmpty();
        d.now = T0.plusSeconds(1).plus(Duration.ofMinutes(5)); // the repository was ready at T0 + 1 s
        assertThat(d.feed(new Tick())).extracting(BackupCycleTest::describe)
                .containsExactly("resume db stop post", "resume app stop");
        assertThat(d.state.failure()).hasValueSatisfying(f -> assertThat(f).contains("max-quiesce deadline"));
        d.feed(new SnapshotsTaken());
        d.feed(new StackResumed(DB));
        d.feed(new StackResumed(APP));
        assertThat(d.trace()).endsWith("delete-snapshots, clear-marker, record failed");
    }

    @Test
    void theDeadlineDuringAFallbackUploadResumesEveryStackAndTheUploadGoesOn() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.STOP_FALLBACK);
        quiesceBoth(d);
        d.now = T0.plus(Duration.ofMinutes(6));
        assertThat(d.feed(new Tick())).extracting(BackupCycleTest::describe)
                .containsExactly("resume db stop post", "resume app stop");
        d.feed(new StackResumed(DB));
        d.feed(new StackResumed(APP));
        assertThat(d.state.phase()).isEqualTo(JobPhase.UPLOADING);
        d.feed(new UploadFinished("ok"));
        assertThat(d.state.phase()).isEqualTo(JobPhase.DONE);
        assertThat(d.state.notes()).anySatisfy(n -> assertThat(n).contains("reads live data"));
    }

    @Test
    void shutdownBeforeStartRecordsAFailureAndTouchesNothing() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        d.feed(new AgentShutdown());
        assertThat(d.trace()).isEqualTo("record failed");
        assertThat(d.state.failure()).contains("the agent is shutting down");
    }

    @Test
    void cancelDuringTheMarkerWriteWaitsForItThenClearsIt() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        d.start();
        assertThat(d.feed(new Cancel("user"))).isEmpty();
        d.feed(new MarkerWritten());
        assertThat(d.trace()).isEqualTo("prepare, marker[app, db], clear-marker, record failed");
    }

    @Test
    void cancelWhileTheRepositoryOpensWaitsForItAndWritesNoMarker() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        d.feed(new Start());
        assertThat(d.feed(new Cancel("user"))).as("the opening is in flight").isEmpty();
        d.feed(new JobEvent.RepositoryReady());
        assertThat(d.trace()).isEqualTo("prepare, record failed");
        assertThat(d.state.failure()).contains("cancelled: user");
    }

    @Test
    void theMaxQuiesceWindowStartsOnlyOnceTheRepositoryIsOpen() {
        // A slow repository (a first init, a remote backend) costs no downtime, so it takes nothing from the bound.
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.STOP_FALLBACK);
        d.feed(new Start());
        d.now = T0.plus(Duration.ofMinutes(30));
        assertThat(d.feed(new Tick())).isEmpty();
        d.feed(new JobEvent.RepositoryReady());
        assertThat(d.state.deadline()).contains(T0.plus(Duration.ofMinutes(35)).plusSeconds(1)); // ticked
        d.feed(new MarkerWritten());
        d.feed(new StackQuiesced(APP));
        d.feed(new StackQuiesced(DB));
        assertThat(d.trace()).isEqualTo("prepare, marker[app, db], quiesce app stop, quiesce db stop pre, "
                + "upload stop-fallback");
        assertThat(d.state.failure()).isEmpty();
    }

    @Test
    void aTerminalJobIgnoresEveryEvent() {
        Driver d = new Driver(QuiesceMode.STOP, QuiesceMode.STOP, BackupPath.SNAPSHOT);
        d.feed(new Cancel("user"));
        JobState done = d.state;
        for (JobEvent e : List.of(new Start(), new MarkerWritten(), new StackQuiesced(APP), new Tick(),
                new AgentShutdown(), new UploadFinished("x"))) {
            assertThat(d.feed(e)).isEmpty();
            assertThat(d.state).isEqualTo(done);
        }
    }

    @Test
    void phasesHaveWireNames() {
        assertThat(List.of(JobPhase.values())).extracting(JobPhase::wireName)
                .containsExactly("pending", "quiescing", "snapshotted", "uploading", "done", "failed");
        assertThat(JobPhase.fromWire("snapshotted")).isEqualTo(JobPhase.SNAPSHOTTED);
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> JobPhase.fromWire("paused")).withMessageContaining("unknown job phase 'paused'");
    }
}
