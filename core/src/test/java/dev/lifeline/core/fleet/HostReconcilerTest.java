package dev.lifeline.core.fleet;

import static dev.lifeline.core.fleet.Fleet.HOST;
import static dev.lifeline.core.fleet.Fleet.RULES;
import static dev.lifeline.core.fleet.Fleet.T0;
import static dev.lifeline.core.fleet.Fleet.at;
import static dev.lifeline.core.fleet.Fleet.listed;
import static dev.lifeline.core.fleet.Fleet.online;
import static dev.lifeline.core.fleet.Fleet.report;
import static dev.lifeline.core.fleet.Fleet.row;
import static dev.lifeline.core.fleet.WorkloadStatus.ERROR;
import static dev.lifeline.core.fleet.WorkloadStatus.MISSING;
import static dev.lifeline.core.fleet.WorkloadStatus.PAUSED;
import static dev.lifeline.core.fleet.WorkloadStatus.PAUSING;
import static dev.lifeline.core.fleet.WorkloadStatus.RESUMING;
import static dev.lifeline.core.fleet.WorkloadStatus.RUNNING;
import static dev.lifeline.core.fleet.WorkloadStatus.SNAPSHOTTING;
import static dev.lifeline.core.fleet.WorkloadStatus.STARTING;
import static dev.lifeline.core.fleet.WorkloadStatus.STOPPED;
import static dev.lifeline.core.fleet.WorkloadStatus.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.core.fleet.MonitorAction.DestroyZombie;
import dev.lifeline.core.fleet.MonitorAction.NoteDetail;
import dev.lifeline.core.fleet.MonitorAction.RecordWorkload;
import dev.lifeline.core.fleet.MonitorAction.SettleWorkload;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HostReconcilerTest {
    /** When the record took its status; the transient grace (2 min) runs out at T0 + 120 s. */
    private static final Instant SINCE = T0;
    private static final String APP = "app";

    /** Plans one record named app against a report received at {@code reportAt}, at {@code reportAt + 1 s}. */
    private static HostPlan plan(WorkloadStatus recorded, ReportedWorkload seen, Instant reportAt) {
        HostReport report = seen == null ? report(reportAt) : report(reportAt, seen);
        return HostReconciler.plan(online(HOST, reportAt), List.of(row(7, APP, recorded, SINCE)), report,
                reportAt.plusSeconds(1), RULES);
    }

    private static HostPlan plan(WorkloadStatus recorded, WorkloadStatus listed, Instant reportAt) {
        return plan(recorded, listed == null ? null : listed(APP, listed), reportAt);
    }

    /** The plan's one status change (a detail may be noted beside it). */
    private static SettleWorkload settled(HostPlan plan) {
        List<MonitorAction> changes = plan.actions().stream().filter(a -> !(a instanceof NoteDetail)).toList();
        assertThat(changes).hasSize(1).first().isInstanceOf(SettleWorkload.class);
        return (SettleWorkload) changes.getFirst();
    }

    private static void assertSettles(HostPlan plan, WorkloadStatus from, WorkloadStatus to, String reason) {
        SettleWorkload s = settled(plan);
        assertThat(s).isEqualTo(new SettleWorkload(HOST, 7, APP, from, to, s.reason(), true));
        assertThat(s.reason()).isEqualTo(reason);
    }

    private static void assertStands(HostPlan plan) {
        assertThat(plan.actions()).isEmpty();
    }

    @Nested
    class AMissingWorkload {
        @Test
        void foundRunningIsRestoredQuietly() {
            SettleWorkload s = settled(plan(MISSING, RUNNING, at(5)));
            assertThat(s.next()).isEqualTo(RUNNING);
            assertThat(s.audited()).isFalse();
        }

        @Test
        void foundPausedIsRestoredWithAnAudit() {
            assertSettles(plan(MISSING, PAUSED, at(5)), MISSING, PAUSED,
                    "the host is back: paused on the host in its report of 2026-03-01T12:00:05Z");
        }

        @Test
        void foundInErrorTakesTheErrorWithTheHostsDetail() {
            HostPlan plan = plan(MISSING, new ReportedWorkload(APP, ERROR, "crash-loop backoff 20 s"), at(5));
            assertThat(settled(plan).reason()).isEqualTo(
                    "the host is back: error on the host (crash-loop backoff 20 s) in its report of 2026-03-01T12:00:05Z");
        }

        @Test
        void reportedStoppedIsStoppedAsReportedNotAsOrphaned() {
            SettleWorkload s = settled(plan(MISSING, STOPPED, at(5)));
            assertThat(s.next()).isEqualTo(STOPPED);
            assertThat(s.reason()).doesNotContain("orphaned");
        }

        @Test
        void theHostNoLongerListsIsStoppedAsOrphaned() {
            assertSettles(plan(MISSING, (WorkloadStatus) null, at(5)), MISSING, STOPPED,
                    "orphaned: the host is back and its report of 2026-03-01T12:00:05Z does not list it");
        }

        @ParameterizedTest
        @EnumSource(names = {"STARTING", "STOPPING", "PAUSING", "RESUMING", "SNAPSHOTTING"})
        void reportedChangingWaitsForASettledReport(WorkloadStatus changing) {
            HostPlan plan = plan(MISSING, changing, at(500));
            assertStands(plan);
            assertThat(plan.nextCheck()).isEmpty();
        }
    }

    @Nested
    class ARunningWorkload {
        @Test
        void absentFromTheReportIsStoppedAsOrphaned() {
            assertSettles(plan(RUNNING, (WorkloadStatus) null, at(5)), RUNNING, STOPPED,
                    "orphaned: absent from the host's report of 2026-03-01T12:00:05Z");
        }

        @ParameterizedTest
        @EnumSource(names = {"PAUSED", "STOPPED", "ERROR"})
        void takesTheSettledStatusTheHostReports(WorkloadStatus reported) {
            assertSettles(plan(RUNNING, reported, at(5)), RUNNING, reported,
                    reported.wireName() + " on the host in its report of 2026-03-01T12:00:05Z");
        }

        @Test
        void reportedChangingWaits() {
            assertStands(plan(RUNNING, STOPPING, at(5)));
        }
    }

    @Nested
    class AStoppedWorkload {
        @Test
        void pausedOnTheHostIsAZombieToDestroy() {
            assertThat(plan(STOPPED, PAUSED, at(5)).actions()).containsExactly(new DestroyZombie(HOST, 7, APP,
                    "zombie: recorded stopped but paused on the host in its report of 2026-03-01T12:00:05Z, holding"
                            + " its memory: destroying it"));
        }

        @Test
        void pausedOnTheHostIsLookedAtAgainAfterTheGraceInCaseTheDestroyWasLost() {
            assertThat(plan(STOPPED, PAUSED, at(5)).nextCheck()).contains(at(6).plus(RULES.transientGrace()));
        }

        @Test
        void runningOnTheHostWasStartedOutsideTheControlPlane() {
            assertSettles(plan(STOPPED, RUNNING, at(5)), STOPPED, RUNNING, "started outside the control plane: "
                    + "running on the host in its report of 2026-03-01T12:00:05Z");
        }

        @Test
        void inErrorOnTheHostIsSetError() {
            assertThat(settled(plan(STOPPED, ERROR, at(5))).next()).isEqualTo(ERROR);
        }

        @Test
        void theHostDoesNotListStaysStopped() {
            assertStands(plan(STOPPED, (WorkloadStatus) null, at(5)));
        }

        @Test
        void reportedChangingWaits() {
            assertStands(plan(STOPPED, STARTING, at(5)));
        }
    }

    @Nested
    class APausedWorkload {
        @ParameterizedTest
        @EnumSource(names = {"RUNNING", "STOPPED", "ERROR"})
        void takesTheSettledStatusTheHostReports(WorkloadStatus reported) {
            assertThat(settled(plan(PAUSED, reported, at(5))).next()).isEqualTo(reported);
        }

        @Test
        void absentFromTheReportIsStoppedAsOrphaned() {
            assertSettles(plan(PAUSED, (WorkloadStatus) null, at(5)), PAUSED, STOPPED,
                    "orphaned: absent from the host's report of 2026-03-01T12:00:05Z");
        }
    }

    @Nested
    class AWorkloadInError {
        @ParameterizedTest
        @EnumSource(names = {"RUNNING", "PAUSED", "STOPPED"})
        void takesTheStatusTheHostReports(WorkloadStatus reported) {
            assertThat(settled(plan(ERROR, reported, at(5))).next()).isEqualTo(reported);
        }

        @Test
        void theHostDoesNotListStaysInError() {
            assertStands(plan(ERROR, (WorkloadStatus) null, at(5)));
        }
    }

    @Nested
    class AStartOrResume {
        @ParameterizedTest
        @EnumSource(names = {"STARTING", "RESUMING"})
        void completesWhenTheHostReportsTheStackRunning(WorkloadStatus changing) {
            String command = changing == STARTING ? "start" : "resume";
            assertSettles(plan(changing, RUNNING, at(5)), changing, RUNNING,
                    "the " + command + " completed: running on the host in its report of 2026-03-01T12:00:05Z");
        }

        @Test
        void thatTheHostDoesNotShowYetWaitsUntilTheGraceRunsOut() {
            HostPlan plan = plan(STARTING, STOPPED, at(30));
            assertStands(plan);
            assertThat(plan.nextCheck()).contains(at(120));
        }

        @Test
        void absentFromAReportReceivedPastTheGraceEndsInError() {
            assertSettles(plan(STARTING, (WorkloadStatus) null, at(130)), STARTING, ERROR,
                    "starting for 2m10s (grace 2m) and absent from the host's report of 2026-03-01T12:02:10Z: the "
                            + "start did not take");
        }

        @ParameterizedTest
        @EnumSource(names = {"STOPPED", "ERROR", "PAUSED"})
        void stillDownPastTheGraceTakesTheReportedStatus(WorkloadStatus reported) {
            assertSettles(plan(RESUMING, reported, at(120)), RESUMING, reported,
                    "resuming for 2m (grace 2m) and " + reported.wireName()
                            + " on the host in its report of 2026-03-01T12:02:00Z: the resume did not take");
        }

        @Test
        void isJudgedOnlyFromAReportReceivedAfterTheGraceRanOut() {
            HostReport before = report(at(100));
            Instant now = at(150);
            HostPlan plan = HostReconciler.plan(online(HOST, at(100)), List.of(row(7, APP, STARTING, SINCE)), before,
                    now, RULES);
            assertStands(plan);
            assertThat(plan.nextCheck()).as("looked at again at the next pass, when a newer report may be in")
                    .contains(now.plus(HostReconciler.NEXT_PASS));
        }

        @Test
        void staysWaitingPastItsGraceWhileTheHostReportsTheStackChanging() {
            HostPlan plan = plan(STARTING, STARTING, at(600));
            assertStands(plan);
            assertThat(plan.nextCheck()).isEmpty();
        }
    }

    @Nested
    class APause {
        @Test
        void completesWhenTheHostReportsTheStackPaused() {
            assertThat(settled(plan(PAUSING, PAUSED, at(5))).reason()).startsWith("the pause completed");
        }

        @Test
        void absentPastTheGraceIsStoppedInOnePassNotPausedAndThenOrphaned() {
            assertSettles(plan(PAUSING, (WorkloadStatus) null, at(121)), PAUSING, STOPPED,
                    "pausing for 2m1s (grace 2m) and absent from the host's report of 2026-03-01T12:02:01Z: the stack "
                            + "is gone");
        }

        @ParameterizedTest
        @EnumSource(names = {"RUNNING", "STOPPED", "ERROR"})
        void thatDidNotTakeTakesTheReportedStatusPastTheGrace(WorkloadStatus reported) {
            assertThat(settled(plan(PAUSING, reported, at(121))).next()).isEqualTo(reported);
            assertThat(plan(PAUSING, reported, at(100)).nextCheck()).contains(at(120));
        }
    }

    @Nested
    class AStop {
        @Test
        void completesWhenTheHostReportsTheStackStopped() {
            assertThat(settled(plan(STOPPING, STOPPED, at(5))).reason()).startsWith("the stop completed");
        }

        @Test
        void whoseStackVanishedPastTheGraceSettlesAsStopped() {
            assertSettles(plan(STOPPING, (WorkloadStatus) null, at(125)), STOPPING, STOPPED,
                    "stopping for 2m5s (grace 2m) and absent from the host's report of 2026-03-01T12:02:05Z: the stack "
                            + "is gone");
        }

        @Test
        void whoseStackVanishedWithinTheGraceWaits() {
            assertStands(plan(STOPPING, (WorkloadStatus) null, at(60)));
        }

        @ParameterizedTest
        @EnumSource(names = {"RUNNING", "PAUSED", "ERROR"})
        void thatDidNotTakeTakesTheReportedStatusPastTheGrace(WorkloadStatus reported) {
            assertThat(settled(plan(STOPPING, reported, at(130))).reason()).endsWith("the stop did not take");
            assertStands(plan(STOPPING, reported, at(110)));
        }
    }

    @Nested
    class ABackup {
        @Test
        void keepsItsStatusWhileTheStackRunsWithinTheSnapshotGrace() {
            HostPlan plan = plan(SNAPSHOTTING, RUNNING, at(600));
            assertStands(plan);
            assertThat(plan.nextCheck()).contains(at(900));
        }

        @Test
        void pastTheSnapshotGraceIsRestoredToTheStatusTheHostReports() {
            assertSettles(plan(SNAPSHOTTING, PAUSED, at(903)), SNAPSHOTTING, PAUSED,
                    "snapshotting for 15m3s (snapshot grace 15m) and paused on the host in its report of "
                            + "2026-03-01T12:15:03Z: the backup no longer holds it");
        }

        @Test
        void whoseStackVanishedPastTheTransientGraceEndsInError() {
            assertSettles(plan(SNAPSHOTTING, (WorkloadStatus) null, at(120)), SNAPSHOTTING, ERROR,
                    "snapshotting for 2m (grace 2m) and absent from the host's report of 2026-03-01T12:02:00Z: the "
                            + "stack is gone");
        }

        @ParameterizedTest
        @EnumSource(names = {"STOPPED", "ERROR"})
        void thatLeftTheStackDownPastTheTransientGraceTakesTheReportedStatus(WorkloadStatus reported) {
            assertThat(settled(plan(SNAPSHOTTING, reported, at(120))).next()).isEqualTo(reported);
            assertThat(plan(SNAPSHOTTING, reported, at(60)).nextCheck()).contains(at(120));
        }

        @Test
        void reportedSnapshottingWaitsPastEveryGrace() {
            assertStands(plan(SNAPSHOTTING, SNAPSHOTTING, at(3600)));
        }
    }

    @Nested
    class AReportedStack {
        @Test
        void withoutARecordIsRecordedAsDiscovered() {
            HostPlan plan = HostReconciler.plan(online(HOST, at(5)), List.of(),
                    report(at(5), new ReportedWorkload("db", STOPPED, "0/1 containers up")), at(6), RULES);
            assertThat(plan.actions()).containsExactly(new RecordWorkload(HOST, "db", STOPPED, "0/1 containers up",
                    "discovered: the host's report of 2026-03-01T12:00:05Z lists it stopped and the control plane had"
                            + " no record of it"));
        }

        @Test
        void changingWithoutARecordWaitsForASettledReport() {
            HostPlan plan = HostReconciler.plan(online(HOST, at(5)), List.of(), report(at(5), listed("db", STARTING)),
                    at(6), RULES);
            assertStands(plan);
            assertThat(plan.nextCheck()).isEmpty();
        }

        @Test
        void withAChangedDetailHasItNotedWithoutAnAudit() {
            WorkloadRecord db = new WorkloadRecord(3, "db", RUNNING, SINCE, "1/2 containers up");
            HostPlan plan = HostReconciler.plan(online(HOST, at(5)), List.of(db),
                    report(at(5), new ReportedWorkload("db", RUNNING, "2/2 containers up")), at(6), RULES);
            assertThat(plan.actions()).containsExactly(new NoteDetail(HOST, 3, "2/2 containers up"));
        }

        @Test
        void thatAgreesWithItsRecordPlansNothing() {
            WorkloadRecord db = new WorkloadRecord(3, "db", PAUSED, SINCE, "paused");
            HostPlan plan = HostReconciler.plan(online(HOST, at(5)), List.of(db),
                    report(at(5), new ReportedWorkload("db", PAUSED, "paused")), at(6), RULES);
            assertThat(plan).isEqualTo(HostPlan.none());
        }
    }

    @Nested
    class AHost {
        @Test
        void thatIsUnreachableIsNotPlanned() {
            HostView host = Fleet.withStatus(online(HOST, at(5)), HostStatus.UNREACHABLE);
            assertThat(HostReconciler.plan(host, List.of(row(7, APP, RUNNING, SINCE)), report(at(5)), at(6), RULES))
                    .isEqualTo(HostPlan.none());
        }

        @Test
        void thatNeverReportedIsNotPlanned() {
            assertThat(HostReconciler.plan(online(HOST, null), List.of(row(7, APP, STARTING, SINCE)), null, at(600),
                    RULES)).isEqualTo(HostPlan.none());
        }

        @Test
        void thatDrainsIsReconciledLikeAnOnlineOne() {
            HostView host = Fleet.withStatus(online(HOST, at(5)), HostStatus.DRAINING);
            HostPlan plan = HostReconciler.plan(host, List.of(row(7, APP, RUNNING, SINCE)), report(at(5)), at(6),
                    RULES);
            assertThat(settled(plan).next()).isEqualTo(STOPPED);
        }

        @Test
        void isPlannedInNameOrderWhateverTheOrderOfItsRowsAndReport() {
            List<WorkloadRecord> rows = List.of(row(2, "b", RUNNING, SINCE), row(1, "a", RUNNING, SINCE));
            HostReport report = report(at(5), listed("d", RUNNING), listed("c", STOPPED));
            HostPlan plan = HostReconciler.plan(online(HOST, at(5)), rows, report, at(6), RULES);
            assertThat(plan.actions()).extracting(a -> switch (a) {
                case SettleWorkload s -> s.workload();
                case RecordWorkload r -> r.workload();
                default -> "?";
            }).containsExactly("a", "b", "c", "d");
        }

        @Test
        void isCheckedAgainAtTheEarliestGraceOfItsWorkloads() {
            List<WorkloadRecord> rows = List.of(row(1, "a", STARTING, at(10)), row(2, "b", STOPPING, at(-30)),
                    row(3, "c", SNAPSHOTTING, at(-60)));
            HostReport report = report(at(20), listed("c", RUNNING));
            HostPlan plan = HostReconciler.plan(online(HOST, at(20)), rows, report, at(21), RULES);
            assertThat(plan.actions()).isEmpty();
            assertThat(plan.nextCheck()).contains(at(90));
        }

        @Test
        void withNoGracePendingIsCheckedAgainOnlyOnNews() {
            List<WorkloadRecord> rows = List.of(row(1, "a", RUNNING, at(10)), row(2, "b", STOPPED, at(-30)));
            HostPlan plan = HostReconciler.plan(online(HOST, at(20)), rows, report(at(20), listed("a", RUNNING)),
                    at(21), RULES);
            assertThat(plan).isEqualTo(HostPlan.none());
        }
    }

    @Nested
    class AMassSilence {
        private final List<WorkloadRecord> rows = List.of(row(1, "gone", RUNNING, SINCE),
                row(2, "zombie", STOPPED, SINCE), row(3, "lost", MISSING, SINCE), row(4, "paused", PAUSED, SINCE),
                row(5, "started", STARTING, SINCE), row(6, "crashed", RUNNING, SINCE));
        private final HostReport report = report(at(200), listed("zombie", PAUSED), listed("crashed", ERROR));

        @Test
        void holdsTheOrphanedInferencesAndTheZombiesDestroyAndLooksAgainAtTheNextPass() {
            HostPlan held = HostReconciler.plan(online(HOST, at(200)), rows, report, at(201), RULES, true);
            assertThat(held.actions()).noneMatch(a -> a instanceof DestroyZombie)
                    .noneMatch(a -> a instanceof SettleWorkload s && s.reason().startsWith("orphaned"));
            assertThat(held.nextCheck()).contains(at(201).plus(HostReconciler.NEXT_PASS));
        }

        @Test
        void letsEverythingElseThrough() {
            HostPlan free = HostReconciler.plan(online(HOST, at(200)), rows, report, at(201), RULES);
            HostPlan held = HostReconciler.plan(online(HOST, at(200)), rows, report, at(201), RULES, true);
            assertThat(free.actions()).hasSize(6);
            assertThat(held.actions()).extracting(a -> ((SettleWorkload) a).workload())
                    .containsExactly("crashed", "started");
        }
    }

    @Test
    void twoRecordsWithOneNameAreRefused() {
        List<WorkloadRecord> rows = List.of(row(1, APP, RUNNING, SINCE), row(2, APP, STOPPED, SINCE));
        assertThatThrownBy(() -> HostReconciler.plan(online(HOST, at(5)), rows, report(at(5)), at(6), RULES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'app'");
    }

    @Test
    void aReportListingAStackTwiceIsRefused() {
        assertThatThrownBy(() -> report(at(5), listed(APP, RUNNING), listed(APP, STOPPED)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lists stack 'app' twice");
    }
}
