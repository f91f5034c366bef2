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
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.QuiesceMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Deterministic simulation: one {@link Random} per seed drives an in-test executor that completes the machine's
 * actions (well or badly, in any order it allows), lets time pass, cancels and shuts down; the invariants of
 * {@link BackupCycle} are checked after every step. No threads, no sleeps: a failing seed replays exactly.
 */
class BackupCycleSimulationTest {
    private static final Instant T0 = Instant.parse("2026-03-01T02:00:00Z");
    /** Time between two events never exceeds this: it plays the role of the Tick interval. */
    private static final int MAX_STEP_SECONDS = 7;

    /** The executor: actions that owe an outcome, and everything the invariants need to remember. */
    private static final class World {
        final Random random;
        final double failureRate;
        final Duration maxQuiesce;
        JobState state;
        Instant now = T0;
        final List<JobAction> pending = new ArrayList<>();
        final List<String> trace = new ArrayList<>();
        boolean markerWritten;
        boolean repositoryReady;
        final Map<StackName, Instant> quiesceIssuedAt = new HashMap<>();
        final Map<StackName, Instant> resumeIssuedAt = new HashMap<>();
        final Set<StackName> resumeSettled = new HashSet<>();
        boolean snapshotsIssued;
        boolean uploadFinished;
        int recordResults;
        int clearMarkers;
        boolean deleteSnapshots;
        boolean retention;

        World(long seed) {
            random = new Random(seed);
            failureRate = List.of(0.0, 0.05, 0.2, 0.5).get(random.nextInt(4));
            maxQuiesce = Duration.ofSeconds(List.of(5, 20, 60).get(random.nextInt(3)));
            int n = random.nextInt(5);
            List<QuiesceTarget> targets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                QuiesceMode mode = QuiesceMode.values()[random.nextInt(QuiesceMode.values().length)];
                targets.add(new QuiesceTarget(StackName.of("s" + i), mode, List.of("s" + i + "-1"), List.of(),
                        List.of()));
            }
            BackupPath path = random.nextBoolean() ? BackupPath.SNAPSHOT : BackupPath.STOP_FALLBACK;
            state = BackupCycle.create("job-" + seed, new QuiescePlan(targets, List.of(), List.of(), List.of()), path,
                    maxQuiesce);
        }

        void feed(JobEvent event) {
            trace.add(now + " " + event);
            boolean wasTerminal = state.phase().isTerminal();
            JobState before = state;
            BackupCycle.Step step = BackupCycle.next(state, event, now);
            if (wasTerminal) {
                assertThat(step.actions()).as("a terminal job takes no action").isEmpty();
                assertThat(step.next()).isEqualTo(before);
            }
            if (event instanceof JobEvent.RepositoryReady && before.marker() == JobState.Marker.PREPARING) {
                repositoryReady = true;
            }
            if (event instanceof JobEvent.MarkerWritten && before.marker() == JobState.Marker.WRITING) {
                markerWritten = true;
            }
            if (event instanceof JobEvent.StackResumed r) {
                resumeSettled.add(r.stack());
            }
            if (event instanceof JobEvent.ResumeFailed r) {
                resumeSettled.add(r.stack());
            }
            if (event instanceof JobEvent.UploadFinished) {
                uploadFinished = true;
            }
            state = step.next();
            for (JobAction action : step.actions()) {
                trace.add("  -> " + action.getClass().getSimpleName() + stackOf(action));
                observe(action);
            }
            checkAfterStep();
        }

        private void observe(JobAction action) {
            assertThat(recordResults).as("nothing after RecordResult").isZero();
            switch (action) {
                case PrepareRepository p -> pending.add(p);
                case WriteMarker w -> {
                    assertThat(repositoryReady).as("no WriteMarker before RepositoryReady").isTrue();
                    pending.add(w);
                }
                case Quiesce q -> {
                    assertThat(markerWritten).as("no Quiesce before MarkerWritten").isTrue();
                    assertThat(pending).as("one Quiesce at a time").noneMatch(a -> a instanceof Quiesce);
                    assertThat(quiesceIssuedAt).as("each stack quiesced at most once").doesNotContainKey(q.stack());
                    quiesceIssuedAt.put(q.stack(), now);
                    pending.add(q);
                }
                case TakeSnapshots t -> {
                    snapshotsIssued = true;
                    pending.add(t);
                }
                case Resume r -> {
                    assertThat(quiesceIssuedAt).as("no Resume for a stack never quiesced").containsKey(r.stack());
                    assertThat(resumeIssuedAt).as("at most one Resume per stack").doesNotContainKey(r.stack());
                    resumeIssuedAt.put(r.stack(), now);
                    pending.add(r);
                }
                case Upload u -> {
                    if (u.path() == BackupPath.SNAPSHOT) {
                        assertThat(resumeSettled).as("with snapshots, Upload only once every resume has ended")
                                .containsAll(quiesceIssuedAt.keySet());
                        assertThat(state.abandoned()).as("no Upload after a cancel or a shutdown").isFalse();
                    }
                    pending.add(u);
                }
                case DeleteSnapshots d -> {
                    assertThat(snapshotsIssued).isTrue();
                    deleteSnapshots = true;
                }
                case ApplyRetention a -> {
                    assertThat(uploadFinished).as("retention only after a finished upload").isTrue();
                    retention = true;
                }
                case ClearMarker c -> {
                    assertThat(resumeSettled).as("ClearMarker only when no stack is left quiesced")
                            .containsAll(quiesceIssuedAt.keySet());
                    clearMarkers++;
                }
                case RecordResult r -> {
                    assertThat(r.result()).isEqualTo(state);
                    recordResults++;
                }
            }
        }

        private void checkAfterStep() {
            Instant deadline = state.deadline().orElse(Instant.MAX);
            if (!now.isBefore(deadline)) {
                assertThat(resumeIssuedAt.keySet()).as("past the deadline every quiesced stack is resumed")
                        .containsAll(quiesceIssuedAt.keySet());
            }
            for (var entry : resumeIssuedAt.entrySet()) {
                assertThat(entry.getValue()).as("downtime ends no later than one tick past the deadline")
                        .isBeforeOrEqualTo(deadline.plusSeconds(MAX_STEP_SECONDS));
                assertThat(Duration.between(quiesceIssuedAt.get(entry.getKey()), entry.getValue()))
                        .isLessThanOrEqualTo(maxQuiesce.plusSeconds(MAX_STEP_SECONDS));
            }
            if (state.phase().isTerminal()) {
                assertThat(state.phase()).isIn(JobPhase.DONE, JobPhase.FAILED);
                assertThat(recordResults).as("RecordResult exactly once").isOne();
                assertThat(deleteSnapshots).as("snapshots deleted iff taken").isEqualTo(snapshotsIssued);
                assertThat(retention).as("retention iff done").isEqualTo(state.phase() == JobPhase.DONE);
                assertThat(clearMarkers).as("a written marker is cleared once").isEqualTo(markerWritten ? 1 : 0);
                assertThat(resumeIssuedAt.keySet()).as("every quiesced stack resumed")
                        .isEqualTo(quiesceIssuedAt.keySet());
                assertThat(resumeSettled).containsAll(quiesceIssuedAt.keySet());
                if (state.phase() == JobPhase.DONE) {
                    assertThat(state.failure()).isEmpty();
                    assertThat(uploadFinished).isTrue();
                } else {
                    assertThat(state.failure()).isPresent();
                }
            } else {
                assertThat(recordResults).isZero();
            }
        }

        /** Completes one pending action whose stack has no earlier pending action (per-stack order). */
        void completeOne(boolean allowFailure) {
            Set<StackName> blocked = new HashSet<>();
            List<JobAction> eligible = new ArrayList<>();
            for (JobAction a : pending) {
                StackName s = stack(a);
                if (s == null || blocked.add(s)) {
                    eligible.add(a);
                }
            }
            JobAction action = eligible.get(random.nextInt(eligible.size()));
            pending.remove(action);
            boolean fail = allowFailure && random.nextDouble() < failureRate;
            feed(switch (action) {
                case PrepareRepository p -> fail ? new JobEvent.RepositoryUnavailable("locked")
                        : new JobEvent.RepositoryReady();
                case WriteMarker w -> fail ? new JobEvent.MarkerWriteFailed("io") : new JobEvent.MarkerWritten();
                case Quiesce q -> fail ? new JobEvent.QuiesceFailed(q.stack(), "timeout")
                        : new JobEvent.StackQuiesced(q.stack());
                case TakeSnapshots t -> fail ? new JobEvent.SnapshotFailed("pool") : new JobEvent.SnapshotsTaken();
                case Resume r -> fail ? new JobEvent.ResumeFailed(r.stack(), "unhealthy")
                        : new JobEvent.StackResumed(r.stack());
                case Upload u -> fail ? new JobEvent.UploadFailed("net") : new JobEvent.UploadFinished("ok");
                default -> throw new IllegalStateException("no outcome for " + action);
            });
        }

        void advanceTime() {
            now = now.plusSeconds(random.nextInt(MAX_STEP_SECONDS + 1));
        }
    }

    private static StackName stack(JobAction action) {
        return switch (action) {
            case Quiesce q -> q.stack();
            case Resume r -> r.stack();
            default -> null;
        };
    }

    private static String stackOf(JobAction action) {
        StackName s = stack(action);
        return s == null ? "" : "(" + s + ")";
    }

    private static World simulate(long seed) {
        World w = new World(seed);
        w.feed(new JobEvent.Start());
        int steps = 0;
        while (steps++ < 200) {
            w.advanceTime();
            int roll = w.random.nextInt(100);
            if (roll < 2) {
                w.feed(new JobEvent.Cancel("user"));
            } else if (roll < 3) {
                w.feed(new JobEvent.AgentShutdown());
            } else if (roll < 35 || w.pending.isEmpty()) {
                w.feed(new JobEvent.Tick());
            } else {
                w.completeOne(true);
            }
            if (w.state.phase().isTerminal() && w.random.nextInt(4) == 0) {
                break;
            }
        }
        // drain: the executor keeps its promise to report every outcome; time keeps passing
        int drain = 0;
        while (!w.state.phase().isTerminal()) {
            assertThat(drain++).as("the job ends once outcomes stop failing").isLessThan(500);
            w.advanceTime();
            if (w.pending.isEmpty()) {
                w.feed(new JobEvent.Tick());
            } else {
                w.completeOne(false);
            }
        }
        assertThat(w.state.phase()).isIn(JobPhase.DONE, JobPhase.FAILED);
        assertThat(w.pending).as("no action left owing an outcome")
                .allMatch(a -> a instanceof Quiesce && w.resumeSettled.contains(((Quiesce) a).stack()));
        w.feed(new JobEvent.Tick());
        w.feed(new JobEvent.Cancel("late"));
        return w;
    }

    @Property(tries = 1000)
    void everyRandomRunKeepsTheCycleInvariants(@ForAll long seed) {
        simulate(seed);
    }

    @Property(tries = 50)
    void aSeedReplaysExactly(@ForAll long seed) {
        assertThat(simulate(seed).trace).isEqualTo(simulate(seed).trace);
    }

    @Test
    void theSimulationReachesEveryExitPath() {
        Set<String> outcomes = new HashSet<>();
        for (long seed = 0; seed < 2000; seed++) {
            JobState end = simulate(seed).state;
            outcomes.add(end.phase() == JobPhase.DONE ? "done" : end.failure().orElseThrow().split("[ :]")[0]);
            if (end.notes().stream().anyMatch(n -> n.contains("reads live data"))) {
                outcomes.add("deadline during upload");
            }
        }
        assertThat(outcomes).contains("done", "could", "quiesce", "snapshots", "resume", "upload", "cancelled",
                "the", "max-quiesce", "deadline during upload");
    }
}
