package dev.lifeline.core.fleet;

import static dev.lifeline.core.fleet.Fleet.RULES;
import static dev.lifeline.core.fleet.Fleet.T0;
import static dev.lifeline.core.fleet.Fleet.at;
import static dev.lifeline.core.fleet.Fleet.host;
import static dev.lifeline.core.fleet.Fleet.online;
import static dev.lifeline.core.fleet.Fleet.unreachable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.fleet.MonitorAction.EndMassSilenceHold;
import dev.lifeline.core.fleet.MonitorAction.HoldForMassSilence;
import dev.lifeline.core.fleet.MonitorAction.MarkUnreachable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SilenceGuardTest {
    private static final Optional<SilenceHold> NO_HOLD = Optional.empty();

    /** {@code count} online hosts numbered from {@code first}, heard from at {@code lastHeartbeatAt}. */
    private static List<HostView> onlineHosts(int first, int count, Instant lastHeartbeatAt) {
        List<HostView> hosts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            hosts.add(online(host(first + i), lastHeartbeatAt));
        }
        return hosts;
    }

    private static List<HostView> fleet(List<HostView> silent, List<HostView> healthy) {
        List<HostView> all = new ArrayList<>(silent);
        all.addAll(healthy);
        return all;
    }

    private static List<UUID> marked(SilenceVerdict verdict) {
        return verdict.actions().stream().filter(a -> a instanceof MarkUnreachable)
                .map(a -> ((MarkUnreachable) a).host()).toList();
    }

    @Test
    void anOnlineHostSilentForTheThresholdBecomesUnreachable() {
        List<HostView> hosts = fleet(onlineHosts(1, 1, T0), onlineHosts(2, 4, at(80)));
        SilenceVerdict verdict = SilenceGuard.check(hosts, NO_HOLD, at(90), RULES);
        assertThat(verdict.actions()).containsExactly(new MarkUnreachable(host(1), T0,
                "no heartbeat since 2026-03-01T12:00:00Z: silent for 1m30s (threshold 1m30s)"));
        assertThat(verdict.holding()).isFalse();
    }

    @Test
    void aHostHeardFromWithinTheThresholdStaysOnline() {
        assertThat(SilenceGuard.check(onlineHosts(1, 1, T0), NO_HOLD, at(89), RULES).actions()).isEmpty();
    }

    @Test
    void aHostNeverHeardFromCountsItsSilenceFromItsRegistration() {
        HostView fresh = new HostView(host(1), HostStatus.ONLINE, T0, null, T0, T0.minus(Duration.ofDays(1)));
        assertThat(SilenceGuard.check(List.of(fresh), NO_HOLD, at(89), RULES).actions()).isEmpty();
        assertThat(SilenceGuard.check(List.of(fresh), NO_HOLD, at(90), RULES).actions()).containsExactly(
                new MarkUnreachable(host(1), null, "never heard from since it registered at 2026-03-01T12:00:00Z: "
                        + "silent for 1m30s (threshold 1m30s)"));
    }

    @Test
    void aReplicaThatJustTookAHostWaitsTheFailoverGraceBeforeBelievingItsSilence() {
        Instant tookLease = at(3600);
        HostView stale = new HostView(host(1), HostStatus.ONLINE, T0, T0, T0.minus(Duration.ofDays(1)), tookLease);
        assertThat(SilenceGuard.check(List.of(stale), NO_HOLD, tookLease.plusSeconds(89), RULES).actions()).isEmpty();
        assertThat(SilenceGuard.check(List.of(stale), NO_HOLD, tookLease.plusSeconds(90), RULES).actions())
                .containsExactly(new MarkUnreachable(host(1), T0, "no heartbeat since 2026-03-01T12:00:00Z; this "
                        + "replica has watched it since 2026-03-01T13:00:00Z and counts its silence from "
                        + "2026-03-01T13:00:00Z (failover grace 1m30s): silent for 1m30s (threshold 1m30s)"));
    }

    @Test
    void aLongerFailoverGraceDelaysTheVerdictBeyondTheThreshold() {
        MonitorRules rules = new MonitorRules(RULES.unreachableAfter(), RULES.transientGrace(), RULES.snapshotGrace(),
                RULES.massSilenceShare(), RULES.massSilenceMinHosts(), Duration.ofMinutes(5));
        HostView stale = new HostView(host(1), HostStatus.ONLINE, T0, T0, T0, at(600));
        assertThat(SilenceGuard.check(List.of(stale), NO_HOLD, at(899), rules).actions()).isEmpty();
        assertThat(marked(SilenceGuard.check(List.of(stale), NO_HOLD, at(900), rules))).containsExactly(host(1));
    }

    @Test
    void aDrainingHostSilentForTheThresholdBecomesUnreachable() {
        HostView draining = Fleet.withStatus(online(host(1), T0), HostStatus.DRAINING);
        assertThat(marked(SilenceGuard.check(List.of(draining), NO_HOLD, at(90), RULES))).containsExactly(host(1));
    }

    @Test
    void anUnreachableHostIsNotMarkedAgain() {
        assertThat(SilenceGuard.check(List.of(unreachable(host(1), T0)), NO_HOLD, at(900), RULES).actions())
                .isEmpty();
    }

    @Test
    void mostHostsSilentAtOnceHoldInsteadOfMarkingThemUnreachable() {
        List<HostView> hosts = fleet(onlineHosts(1, 3, T0), onlineHosts(4, 2, at(80)));
        SilenceVerdict verdict = SilenceGuard.check(hosts, NO_HOLD, at(90), RULES);
        assertThat(verdict.actions()).containsExactly(new HoldForMassSilence(List.of(host(1), host(2), host(3)), 5,
                "3 of 5 hosts heard from within the last 1m30s went silent (3 silent for 45s or more, 0 turned "
                        + "unreachable), more than 50%: the control plane is probably the one cut off, so no host is "
                        + "marked unreachable and nothing destructive runs until it ends"));
        assertThat(verdict.hold()).contains(new SilenceHold(at(90)));
    }

    @Test
    void hostsCutOffAtOneInstantAreHeldEvenThoughTheyCrossTheThresholdApart() {
        // cut off at T0 + 30 s; their last heartbeats were up to one 30 s interval before
        List<HostView> hosts = fleet(List.of(online(host(1), T0), online(host(2), at(10)), online(host(3), at(29))),
                onlineHosts(4, 2, at(85)));
        SilenceVerdict verdict = SilenceGuard.check(hosts, NO_HOLD, at(90), RULES);
        assertThat(marked(verdict)).isEmpty();
        assertThat(verdict.actions()).singleElement().isInstanceOf(HoldForMassSilence.class);
    }

    @Test
    void hostsThatTurnedUnreachableWithinTheThresholdCountTowardTheMassSilence() {
        List<HostView> hosts = fleet(List.of(unreachable(host(1), at(10)), unreachable(host(2), at(20))),
                fleet(onlineHosts(3, 1, T0), onlineHosts(4, 2, at(80))));
        SilenceVerdict verdict = SilenceGuard.check(hosts, NO_HOLD, at(90), RULES);
        assertThat(verdict.actions()).singleElement().isInstanceOf(HoldForMassSilence.class);
        assertThat(((HoldForMassSilence) verdict.actions().getFirst()).silentHosts()).containsExactly(host(3));
    }

    @Test
    void hostsUnreachableForLongerDoNotDiluteTheShare() {
        List<HostView> longGone = new ArrayList<>();
        for (int i = 10; i < 30; i++) {
            longGone.add(unreachable(host(i), T0.minus(Duration.ofDays(1))));
        }
        List<HostView> hosts = fleet(longGone, fleet(onlineHosts(1, 3, T0), onlineHosts(4, 1, at(80))));
        assertThat(SilenceGuard.check(hosts, NO_HOLD, at(90), RULES).holding()).isTrue();
    }

    @Test
    void fewerThanTheMinimumHostsNeverHold() {
        List<HostView> hosts = onlineHosts(1, 2, T0);
        SilenceVerdict verdict = SilenceGuard.check(hosts, NO_HOLD, at(90), RULES);
        assertThat(marked(verdict)).containsExactly(host(1), host(2));
        assertThat(verdict.holding()).isFalse();
    }

    @Test
    void exactlyTheShareSilentIsNotAMassSilence() {
        List<HostView> hosts = fleet(onlineHosts(1, 2, T0), onlineHosts(3, 2, at(80)));
        assertThat(marked(SilenceGuard.check(hosts, NO_HOLD, at(90), RULES))).containsExactly(host(1), host(2));
    }

    @Test
    void quietHostsAloneBeginNoHold() {
        List<HostView> hosts = fleet(onlineHosts(1, 3, at(30)), onlineHosts(4, 1, at(80)));
        SilenceVerdict verdict = SilenceGuard.check(hosts, NO_HOLD, at(90), RULES);
        assertThat(verdict.actions()).isEmpty();
        assertThat(verdict.holding()).isFalse();
    }

    @Test
    void aHoldIsAuditedOnceWhileItLasts() {
        List<HostView> hosts = fleet(onlineHosts(1, 3, T0), onlineHosts(4, 2, at(80)));
        SilenceVerdict first = SilenceGuard.check(hosts, NO_HOLD, at(90), RULES);
        SilenceVerdict later = SilenceGuard.check(hosts, first.hold(), at(100), RULES);
        assertThat(later.actions()).isEmpty();
        assertThat(later.hold()).isEqualTo(first.hold());
    }

    @Test
    void aHoldEndsOnceFewEnoughHostsAreSilentAndTheRestAreMarked() {
        Optional<SilenceHold> hold = Optional.of(new SilenceHold(at(90)));
        List<HostView> hosts = fleet(onlineHosts(1, 1, T0), onlineHosts(2, 4, at(380)));
        SilenceVerdict verdict = SilenceGuard.check(hosts, hold, at(390), RULES);
        assertThat(verdict.actions()).containsExactly(
                new EndMassSilenceHold(at(90), 1, 5, "the mass silence that began at 2026-03-01T12:01:30Z is over after"
                        + " 5m: 1 of 5 hosts silent (at most 50%); silent hosts are judged one by one again"),
                new MarkUnreachable(host(1), T0, "no heartbeat since 2026-03-01T12:00:00Z: silent for 6m30s "
                        + "(threshold 1m30s)"));
        assertThat(verdict.holding()).isFalse();
    }

    @Test
    void aHoldEndsWhenEveryHostIsHeardFromAgain() {
        Optional<SilenceHold> hold = Optional.of(new SilenceHold(at(90)));
        SilenceVerdict verdict = SilenceGuard.check(onlineHosts(1, 5, at(200)), hold, at(210), RULES);
        assertThat(verdict.actions()).singleElement().isInstanceOf(EndMassSilenceHold.class);
        assertThat(verdict.holding()).isFalse();
    }
}
