package dev.lifeline.core.fleet.sim;

import static dev.lifeline.core.fleet.WorkloadStatus.ERROR;
import static dev.lifeline.core.fleet.WorkloadStatus.MISSING;
import static dev.lifeline.core.fleet.WorkloadStatus.PAUSED;
import static dev.lifeline.core.fleet.WorkloadStatus.RUNNING;
import static dev.lifeline.core.fleet.WorkloadStatus.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.MonitorRules;
import dev.lifeline.core.fleet.SilenceHold;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the simulation found, as scripted runs of the whole loop: each states a duty of the API, the ingest or the
 * executor that the planners rely on (the simulation's model of them does it; the fleet's invariants are checked
 * after every event, as in the seeded runs).
 */
class FleetScenariosTest {
    private static final Map<String, WorkloadStatus> IDLE = Map.of("web", RUNNING);

    private static SimFleet fleet(Map<String, WorkloadStatus> first) {
        return SimFleet.scripted(SimFleet.Setup.scripted(List.of(first, IDLE, IDLE, IDLE)));
    }

    /** A fleet whose host 0 has app recorded stopped, and app gone from the host since a minute. */
    private static SimFleet recordedStoppedThenGone() {
        SimFleet fleet = fleet(Map.of("app", STOPPED));
        fleet.runFor(Duration.ofMinutes(1));
        fleet.outside(0, "app", null);
        fleet.runFor(Duration.ofMinutes(1));
        return fleet;
    }

    private static long audited(SimFleet fleet, String workload, String reasonPart) {
        return fleet.store.audit.stream()
                .filter(a -> workload.equals(a.workload()) && a.reason().contains(reasonPart)).count();
    }

    @Test
    void aCommandTheAgentCannotCarryOutIsJudgedOnceItsGraceRunsOut() {
        SimFleet fleet = recordedStoppedThenGone();
        // the report lists nothing, before and after the start: no news; the API made the host due for a check
        fleet.command(0, "app", CommandKind.START);
        fleet.runFor(Duration.ofMinutes(3));
        assertThat(fleet.recorded(0, "app").status).isEqualTo(ERROR);
        assertThat(audited(fleet, "app", "the start did not take")).isOne();
    }

    @Test
    void aCommandRightAfterAPlanKeepsTheCheckItMadeDue() {
        SimFleet fleet = recordedStoppedThenGone();
        SimStore.HostRow host = fleet.hostRecord(0);
        host.nextCheckAt = fleet.now.minusMillis(500);
        fleet.monitor.plan(host, fleet.now);
        // the plan (no next check) is applied after the command: the command's due check must survive it, though
        // the host was due already when the plan read it
        fleet.command(0, "app", CommandKind.START);
        fleet.runFor(Duration.ofMinutes(3));
        assertThat(fleet.recorded(0, "app").status).isEqualTo(ERROR);
    }

    @Test
    void aCommandHeldBackByACutIsDroppedOnceItsWorkloadHasMovedOn() {
        SimFleet fleet = fleet(Map.of("app", RUNNING));
        fleet.runFor(Duration.ofMinutes(1));
        fleet.cutOff(Set.of(0), Duration.ofMinutes(5));
        fleet.command(0, "app", CommandKind.BACKUP);
        fleet.runFor(Duration.ofMinutes(3));
        assertThat(fleet.hostRecord(0).status).isEqualTo(HostStatus.UNREACHABLE);
        assertThat(fleet.recorded(0, "app").status).isEqualTo(MISSING);
        fleet.runFor(Duration.ofMinutes(3));
        assertThat(fleet.hosts.get(0).stacks.get("app").op).as("the stale backup never ran").isNull();
        assertThat(fleet.trace).anyMatch(line -> line.contains("expired: app is missing"));
        assertThat(fleet.recorded(0, "app").status).isEqualTo(RUNNING);
    }

    @Test
    void aCommandDeliveredAfterItsGraceIsJudgedFromTheReportsAfterItsDelivery() {
        MonitorRules d = MonitorRules.defaults();
        MonitorRules shortGrace = new MonitorRules(d.unreachableAfter(), Duration.ofSeconds(30),
                Duration.ofMinutes(5), d.massSilenceShare(), d.massSilenceMinHosts(), d.failoverGrace());
        SimFleet.Setup setup = SimFleet.Setup.scripted(List.of(Map.of("app", STOPPED), IDLE, IDLE, IDLE));
        SimFleet fleet = SimFleet.scripted(new SimFleet.Setup(shortGrace, setup.monitorInterval(),
                setup.newsOnEveryBeat(), setup.hosts(), false, false));
        fleet.runFor(Duration.ofMinutes(1));
        // shorter than the threshold, longer than the grace: the start reaches the agent 30 s+ late
        fleet.cutOff(Set.of(0), Duration.ofSeconds(50));
        fleet.command(0, "app", CommandKind.START);
        fleet.runFor(Duration.ofMinutes(4));
        assertThat(audited(fleet, "app", "did not take")).as("never judged from the report that came with it")
                .isZero();
        assertThat(fleet.recorded(0, "app").status).isEqualTo(RUNNING);
    }

    @Test
    void aStartAskedWhileItsHostIsUnreachableIsJudgedFromTheReportsAfterItsDelivery() {
        SimFleet fleet = fleet(Map.of("app", STOPPED));
        fleet.runFor(Duration.ofMinutes(1));
        fleet.cutOff(Set.of(0), Duration.ofMinutes(5));
        fleet.runFor(Duration.ofMinutes(3));
        assertThat(fleet.hostRecord(0).status).isEqualTo(HostStatus.UNREACHABLE);
        fleet.command(0, "app", CommandKind.START);
        // the heartbeat that brings the host back carries the start in its answer and is planned at once: the
        // report and the delivery are stored together, so that plan sees the start's clock restarted
        fleet.runFor(Duration.ofMinutes(4));
        assertThat(audited(fleet, "app", "did not take")).isZero();
        assertThat(fleet.recorded(0, "app").status).isEqualTo(RUNNING);
    }

    @Test
    void aHostBackFromUnreachableIsReconciledEvenIfTheReplicaDiesBeforeItsPlanIsApplied() {
        SimFleet fleet = fleet(Map.of("app", RUNNING));
        fleet.runFor(Duration.ofMinutes(1));
        fleet.cutOff(Set.of(0), Duration.ofMinutes(3));
        SimStore.HostRow host = fleet.hostRecord(0);
        fleet.stepUntil(() -> host.status == HostStatus.UNREACHABLE);
        assertThat(fleet.recorded(0, "app").status).isEqualTo(MISSING);
        fleet.stepUntil(() -> host.status == HostStatus.ONLINE);
        // its report is the one it sent before the cut (no news); the plan made at its return is lost
        fleet.restartReplica(Duration.ofSeconds(30));
        fleet.runFor(Duration.ofMinutes(3));
        assertThat(fleet.recorded(0, "app").status).isEqualTo(RUNNING);
    }

    @Test
    void aPlanMadeBeforeAMassSilenceHoldBeganIsNotApplied() {
        SimFleet fleet = fleet(Map.of("app", RUNNING));
        fleet.runFor(Duration.ofMinutes(1));
        fleet.cutOff(Set.of(0), Duration.ofMinutes(3));
        fleet.outside(0, "app", null);
        SimStore.HostRow host = fleet.hostRecord(0);
        fleet.stepUntil(() -> host.status == HostStatus.UNREACHABLE);
        fleet.stepUntil(() -> host.status == HostStatus.ONLINE);
        // the host is back and planned at once (app: missing, gone: orphaned); a hold begins before the apply
        fleet.monitor.hold = Optional.of(new SilenceHold(fleet.now));
        while (!(fleet.step() instanceof SimFleet.Event.Apply apply && apply.planned().host() == host)) {
            assertThat(fleet.recorded(0, "app").status).isEqualTo(MISSING);
        }
        assertThat(fleet.recorded(0, "app").status).as("the orphaned inference waits for the hold's end")
                .isEqualTo(MISSING);
        assertThat(host.nextCheckAt).as("planned again at the next pass").isEqualTo(fleet.now);
    }

    @Test
    void aZombieWhoseDestroyWasLostIsDestroyedOnceTheGraceRunsOut() {
        SimFleet fleet = fleet(Map.of("app", STOPPED));
        fleet.runFor(Duration.ofMinutes(1));
        fleet.hosts.get(0).loseNextCommand = true;
        fleet.outside(0, "app", PAUSED);
        fleet.runFor(Duration.ofMinutes(1));
        assertThat(fleet.hosts.get(0).stacks).containsKey("app");
        fleet.runFor(Duration.ofMinutes(2));
        assertThat(fleet.hosts.get(0).stacks).doesNotContainKey("app");
        assertThat(audited(fleet, "app", "zombie")).isEqualTo(2);
        assertThat(fleet.recorded(0, "app").status).isEqualTo(STOPPED);
    }
}
