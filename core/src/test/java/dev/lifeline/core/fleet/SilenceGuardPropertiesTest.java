package dev.lifeline.core.fleet;

import static dev.lifeline.core.fleet.Fleet.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.fleet.MonitorAction.EndMassSilenceHold;
import dev.lifeline.core.fleet.MonitorAction.HoldForMassSilence;
import dev.lifeline.core.fleet.MonitorAction.MarkUnreachable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of {@link SilenceGuard#check} over generated fleets. */
class SilenceGuardPropertiesTest {
    /** Now is T0; every host's times are seconds before it. */
    record Fleetwide(List<HostView> hosts, Optional<SilenceHold> hold, MonitorRules rules, long shuffleSeed) {
        SilenceVerdict check() {
            return SilenceGuard.check(hosts, hold, T0, rules);
        }

        Map<UUID, HostView> byId() {
            return hosts.stream().collect(Collectors.toMap(HostView::id, Function.identity()));
        }
    }

    @Provide
    Arbitrary<Fleetwide> fleets() {
        Arbitrary<HostView> host = Combinators.combine(Arbitraries.longs(), Arbitraries.of(HostStatus.class),
                Arbitraries.integers().between(0, 400), Arbitraries.integers().between(0, 300).injectNull(0.1),
                Arbitraries.integers().between(0, 400))
                .as((id, status, statusAge, silence, trackedFor) -> new HostView(new UUID(0, id), status,
                        T0.minusSeconds(statusAge), silence == null ? null : T0.minusSeconds(silence),
                        T0.minusSeconds(1000), T0.minusSeconds(trackedFor)));
        Arbitrary<MonitorRules> rules = Combinators.combine(Arbitraries.integers().between(0, 300),
                Arbitraries.of(0.3, 0.5, 0.75, 1.0), Arbitraries.integers().between(1, 5))
                .as((failover, share, min) -> new MonitorRules(Duration.ofSeconds(90), Duration.ofMinutes(2),
                        Duration.ofMinutes(15), share, min, Duration.ofSeconds(failover)));
        Arbitrary<Optional<SilenceHold>> hold = Arbitraries.integers().between(0, 600)
                .map(age -> Optional.of(new SilenceHold(T0.minusSeconds(age)))).injectNull(0.5)
                .map(h -> h == null ? Optional.empty() : h);
        return Combinators.combine(host.list().ofMaxSize(12).uniqueElements(HostView::id), hold, rules, Arbitraries.longs())
                .as(Fleetwide::new);
    }

    private static List<MarkUnreachable> marks(SilenceVerdict verdict) {
        return verdict.actions().stream().filter(a -> a instanceof MarkUnreachable).map(a -> (MarkUnreachable) a)
                .toList();
    }

    @Property
    void aMarkedHostWasReachableAndSilentForTheThresholdCountedFromTheFailoverFloor(@ForAll("fleets") Fleetwide f) {
        Map<UUID, HostView> hosts = f.byId();
        for (MarkUnreachable mark : marks(f.check())) {
            HostView host = hosts.get(mark.host());
            assertThat(host.isReachable()).isTrue();
            assertThat(mark.lastHeartbeatAt()).isEqualTo(host.lastHeartbeatAt());
            assertThat(host.lastHeardAt().plus(f.rules().unreachableAfter())).isBeforeOrEqualTo(T0);
            assertThat(host.trackedSince().plus(f.rules().failoverGrace())).isBeforeOrEqualTo(T0);
        }
    }

    @Property
    void aHoldMarksNobodyAndIsAuditedOnlyWhenItBegins(@ForAll("fleets") Fleetwide f) {
        SilenceVerdict verdict = f.check();
        if (verdict.holding()) {
            assertThat(marks(verdict)).isEmpty();
            assertThat(verdict.actions()).hasSize(f.hold().isPresent() ? 0 : 1);
            assertThat(verdict.hold()).isEqualTo(f.hold().isPresent() ? f.hold()
                    : Optional.of(new SilenceHold(T0)));
            SilenceVerdict again = SilenceGuard.check(f.hosts(), verdict.hold(), T0.plusSeconds(1), f.rules());
            assertThat(again.actions()).noneMatch(a -> a instanceof HoldForMassSilence);
        } else {
            assertThat(verdict.actions()).noneMatch(a -> a instanceof HoldForMassSilence);
        }
    }

    @Property
    void aHoldEndsOnlyIfOneWasInEffectAndIsAuditedBeforeAnyMark(@ForAll("fleets") Fleetwide f) {
        SilenceVerdict verdict = f.check();
        long ends = verdict.actions().stream().filter(a -> a instanceof EndMassSilenceHold).count();
        assertThat(ends).isEqualTo(f.hold().isPresent() && !verdict.holding() ? 1 : 0);
        if (ends == 1) {
            assertThat(verdict.actions().getFirst()).isInstanceOf(EndMassSilenceHold.class);
        }
    }

    @Property
    void fewerHostsThanTheMinimumNeverHold(@ForAll("fleets") Fleetwide f) {
        long counted = f.hosts().stream().filter(h -> h.isReachable()
                || h.statusSince().plus(f.rules().unreachableAfter()).isAfter(T0)).count();
        if (counted < f.rules().massSilenceMinHosts()) {
            assertThat(f.check().holding()).isFalse();
        }
    }

    @Property
    void withoutAHoldEverySilentHostIsMarked(@ForAll("fleets") Fleetwide f) {
        SilenceVerdict verdict = f.check();
        if (!verdict.holding()) {
            List<UUID> silent = f.hosts().stream().filter(HostView::isReachable)
                    .filter(h -> !SilenceGuard.silenceStart(h, f.rules()).plus(f.rules().unreachableAfter())
                            .isAfter(T0))
                    .map(HostView::id).sorted().toList();
            assertThat(marks(verdict)).extracting(MarkUnreachable::host).containsExactlyElementsOf(silent);
        }
    }

    @Property
    void theVerdictIsTheSameWhateverTheOrderOfTheHosts(@ForAll("fleets") Fleetwide f) {
        List<HostView> shuffled = new ArrayList<>(f.hosts());
        Collections.shuffle(shuffled, new Random(f.shuffleSeed()));
        assertThat(SilenceGuard.check(shuffled, f.hold(), T0, f.rules())).isEqualTo(f.check());
    }

    @Property(tries = 300)
    void aFleetThatFallsSilentAllAtOnceIsHeldNotMarked(@ForAll("fleets") Fleetwide f) {
        // every reachable host was last heard from within one heartbeat interval of the others, long ago
        List<HostView> cut = new ArrayList<>();
        Random random = new Random(f.shuffleSeed());
        for (HostView h : f.hosts()) {
            Instant last = T0.minusSeconds(300 + random.nextInt(30));
            cut.add(new HostView(h.id(), h.isReachable() ? h.status() : HostStatus.ONLINE, h.statusSince(), last,
                    h.registeredAt(), T0.minus(Duration.ofDays(1))));
        }
        if (cut.size() >= f.rules().massSilenceMinHosts() && f.rules().massSilenceShare() < 1) {
            Instant firstCrossing = cut.stream().map(HostView::lastHeardAt).min(Instant::compareTo).orElseThrow()
                    .plus(f.rules().unreachableAfter());
            for (Instant now = firstCrossing; now.isBefore(T0); now = now.plusSeconds(5)) {
                SilenceVerdict verdict = SilenceGuard.check(cut, Optional.empty(), now, f.rules());
                assertThat(marks(verdict)).as("at %s", now).isEmpty();
            }
        }
    }
}
