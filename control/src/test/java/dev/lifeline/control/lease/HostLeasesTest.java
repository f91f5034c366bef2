package dev.lifeline.control.lease;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.TestDatabases;
import dev.lifeline.control.store.monitor.TestFleet;
import dev.lifeline.core.fleet.HostStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HostLeasesTest {
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
    private static final Duration PERIOD = Duration.ofSeconds(30);

    private Database db;
    private TestFleet fleet;
    private List<UUID> hosts;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        fleet = new TestFleet(db);
        long team = fleet.team("default");
        hosts = IntStream.range(0, 10).mapToObj(i -> fleet.host(team, HostStatus.ONLINE, T0)).toList();
    }

    @AfterEach
    void tearDown() {
        TestFleet.closeAndDrop(db);
    }

    @Test
    void aLoneReplicaTakesEveryHost() {
        HostLeases a = leases("a");

        LeaseState state = keep(a, T0);

        assertThat(state).isEqualTo(new LeaseState(10, 10, 1, 10, 0));
        assertThat(holders()).containsOnlyKeys("a");
    }

    @Test
    void aReplicaThatJoinsGetsItsShareFromTheOthersWithinTwoPasses() {
        HostLeases a = leases("a");
        HostLeases b = leases("b");
        keep(a, T0);

        LeaseState joined = keep(b, T0.plusSeconds(1));
        LeaseState gaveBack = keep(a, T0.plusSeconds(10));
        LeaseState took = keep(b, T0.plusSeconds(11));

        assertThat(joined.held()).isZero();
        assertThat(gaveBack.released()).isEqualTo(5);
        assertThat(took.taken()).isEqualTo(5);
        assertThat(holders()).containsEntry("a", 5L).containsEntry("b", 5L);
        assertThat(keep(a, T0.plusSeconds(20))).isEqualTo(new LeaseState(5, 10, 2, 0, 0));
        assertThat(keep(b, T0.plusSeconds(21))).isEqualTo(new LeaseState(5, 10, 2, 0, 0));
    }

    @Test
    void aReplicaThatStopsRenewingLosesItsHostsToTheOthersAfterOnePeriod() {
        HostLeases a = leases("a");
        HostLeases b = leases("b");
        split(a, b); // a renews last at T0 + 10 s, then dies

        LeaseState beforeExpiry = keep(b, T0.plusSeconds(39));
        LeaseState afterExpiry = keep(b, T0.plusSeconds(41));

        assertThat(beforeExpiry.held()).isEqualTo(5);
        assertThat(afterExpiry).isEqualTo(new LeaseState(10, 10, 1, 5, 0));
        assertThat(holders()).containsOnlyKeys("b");
    }

    @Test
    void aCleanStopGivesEveryHostBackAtOnce() {
        HostLeases a = leases("a");
        HostLeases b = leases("b");
        split(a, b);

        db.jdbi().useTransaction(a::release);
        LeaseState state = keep(b, T0.plusSeconds(12));

        assertThat(state).isEqualTo(new LeaseState(10, 10, 1, 5, 0));
    }

    @Test
    void anOwnLeaseThatExpiredUnclaimedCountsAsTakenAgainNow() {
        HostLeases a = leases("a");
        keep(a, T0);

        keep(a, T0.plusSeconds(100)); // stalled past the period, nobody took the hosts

        Instant acquired = db.jdbi().withHandle(h -> h.createQuery("SELECT min(acquired_at) FROM leases")
                .mapTo(OffsetDateTime.class).one()).toInstant();
        assertThat(acquired).isEqualTo(T0.plusSeconds(100));
    }

    @Test
    void leasesARenewingReplicaHoldsAreSkippedNotTakenWhileItsPassRuns() throws Exception {
        HostLeases a = leases("a");
        HostLeases b = leases("b");
        keep(a, T0);
        Instant late = T0.plusSeconds(45); // a's leases expired: a stalled, and now wakes up first

        try (Handle passOfA = db.jdbi().open()) {
            passOfA.begin();
            assertThat(a.keep(passOfA, late).held()).isEqualTo(10);

            LeaseState bMeanwhile = CompletableFuture.supplyAsync(() -> keep(b, late.plusSeconds(1)))
                    .get(10, TimeUnit.SECONDS); // never waits on a's locks: SKIP LOCKED
            assertThat(bMeanwhile.held()).isZero();
            passOfA.commit();
        }
        assertThat(holders()).containsOnlyKeys("a");
    }

    @Test
    void twoReplicasStartingAtOnceNeverHoldTheSameHost() throws Exception {
        HostLeases a = leases("a");
        HostLeases b = leases("b");
        for (int round = 0; round < 5; round++) {
            Instant now = T0.plusSeconds(round * 10L);
            CompletableFuture<LeaseState> fa = CompletableFuture.supplyAsync(() -> keep(a, now));
            CompletableFuture<LeaseState> fb = CompletableFuture.supplyAsync(() -> keep(b, now));
            int held = fa.get(10, TimeUnit.SECONDS).held() + fb.get(10, TimeUnit.SECONDS).held();
            assertThat(held).isLessThanOrEqualTo(hosts.size());
        }
        assertThat(holders()).containsEntry("a", 5L).containsEntry("b", 5L);
    }

    /** a takes every host, b joins, a gives half back, b takes it: 5 and 5, last kept at T0 + 10 s and + 11 s. */
    private void split(HostLeases a, HostLeases b) {
        keep(a, T0);
        keep(b, T0.plusSeconds(1));
        keep(a, T0.plusSeconds(10));
        keep(b, T0.plusSeconds(11));
    }

    private HostLeases leases(String id) {
        return new HostLeases(new Replica(id, T0), PERIOD);
    }

    private LeaseState keep(HostLeases leases, Instant now) {
        return db.jdbi().inTransaction(h -> leases.keep(h, now));
    }

    private Map<String, Long> holders() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT holder FROM leases").mapTo(String.class).list())
                .stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    }
}
