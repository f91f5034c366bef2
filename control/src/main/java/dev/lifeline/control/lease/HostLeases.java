package dev.lifeline.control.lease;

import dev.lifeline.control.store.SqlTime;
import dev.lifeline.core.log.KeyValues;
import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How replicas split the fleet: a lease per host ({@code leases}), held by one replica until it expires.
 *
 * <p>{@link #keep} runs at the start of every monitor pass, inside the pass's transaction: it records the replica as
 * alive ({@code replicas.seen_at}), renews every lease it holds in one statement (the renewal's row locks last until
 * the pass commits, so no other replica can take one of these hosts while the pass reconciles it), then takes its
 * fair share of free and expired leases ({@code FOR UPDATE SKIP LOCKED}: replicas never wait on each other's picks)
 * or gives back what it holds beyond its share when a replica joined. A replica that dies stops renewing: its
 * leases expire after one period and the others take them at their next pass. {@link #release} gives everything
 * back at a clean stop so the others need not wait for the expiry.
 */
public final class HostLeases {
    private static final Logger LOG = LoggerFactory.getLogger(HostLeases.class);

    /** A replica silent for this many lease periods is dropped from {@code replicas} (each restart adds a row). */
    private static final int FORGET_AFTER_PERIODS = 10;

    private final Replica replica;
    private final Duration period;

    /**
     * @param period how long a lease lasts after its last renewal; longer than the monitor interval (a replica renews
     *     every pass), and the time a dead replica's hosts wait before another replica takes them
     */
    public HostLeases(Replica replica, Duration period) {
        if (period == null || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("lease-period must be positive, got " + period);
        }
        this.replica = replica;
        this.period = period;
    }

    public Replica replica() {
        return replica;
    }

    public Duration period() {
        return period;
    }

    /**
     * Renews this replica and its leases, then takes or gives back leases until it holds its fair share. A lease of
     * its own that expired without anyone taking it is renewed as if taken again now (acquired_at = now), since the
     * replica was not watching those hosts meanwhile.
     */
    public LeaseState keep(Handle handle, Instant now) {
        Instant until = now.plus(period);
        LeaseState state = handle.createQuery("""
                WITH seen AS (
                    INSERT INTO replicas (id, started_at, seen_at) VALUES (:me, :startedAt, :now)
                    ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at
                ), forgotten AS (
                    DELETE FROM replicas WHERE seen_at < :forgetBefore AND id <> :me
                ), renewed AS (
                    UPDATE leases SET expires_at = :until,
                        acquired_at = CASE WHEN expires_at <= :now THEN :now ELSE acquired_at END
                    WHERE holder = :me
                    RETURNING host_id
                )
                SELECT (SELECT count(*) FROM renewed) AS held,
                       (SELECT count(*) FROM hosts) AS hosts,
                       (SELECT count(*) FROM replicas WHERE seen_at > :liveSince AND id <> :me) + 1 AS replicas
                """)
                .bind("me", replica.id()).bind("startedAt", SqlTime.at(replica.startedAt()))
                .bind("now", SqlTime.at(now)).bind("until", SqlTime.at(until))
                .bind("liveSince", SqlTime.at(now.minus(period)))
                .bind("forgetBefore", SqlTime.at(now.minus(period.multipliedBy(FORGET_AFTER_PERIODS))))
                .map((rs, ctx) -> new LeaseState(rs.getInt("held"), rs.getInt("hosts"), rs.getInt("replicas"), 0, 0))
                .one();
        int share = state.share();
        if (state.held() < share) {
            int taken = take(handle, share - state.held(), now, until);
            state = new LeaseState(state.held() + taken, state.hosts(), state.replicas(), taken, 0);
        } else if (state.held() > share) {
            int released = giveBack(handle, state.held() - share);
            state = new LeaseState(state.held() - released, state.hosts(), state.replicas(), 0, released);
        }
        if (state.taken() > 0 || state.released() > 0) {
            LOG.info(KeyValues.line("event", "leases_balanced", "replica", replica.id(), "taken", state.taken(),
                    "released", state.released(), "held", state.held(), "hosts", state.hosts(), "replicas",
                    state.replicas()));
        }
        return state;
    }

    /**
     * Takes up to {@code wanted} leases: expired ones first (locked rows skipped: another replica is taking or
     * renewing them), then hosts nobody ever held, in id order so that two replicas inserting at once never
     * deadlock.
     */
    private int take(Handle handle, int wanted, Instant now, Instant until) {
        return handle.createQuery("""
                WITH expired AS (
                    SELECT host_id FROM leases WHERE expires_at <= :now
                    ORDER BY expires_at, host_id LIMIT :wanted
                    FOR UPDATE SKIP LOCKED
                ), taken AS (
                    UPDATE leases l SET holder = :me, acquired_at = :now, expires_at = :until
                    FROM expired e WHERE l.host_id = e.host_id
                    RETURNING l.host_id
                ), fresh AS (
                    INSERT INTO leases (host_id, holder, acquired_at, expires_at)
                    SELECT h.id, :me, :now, :until FROM hosts h
                    WHERE NOT EXISTS (SELECT 1 FROM leases l WHERE l.host_id = h.id)
                    ORDER BY h.id
                    LIMIT greatest(0, :wanted - (SELECT count(*) FROM expired))
                    ON CONFLICT (host_id) DO NOTHING
                    RETURNING host_id
                )
                SELECT (SELECT count(*) FROM taken) + (SELECT count(*) FROM fresh)
                """)
                .bind("me", replica.id()).bind("now", SqlTime.at(now)).bind("until", SqlTime.at(until))
                .bind("wanted", wanted)
                .mapTo(Integer.class).one();
    }

    /** Gives back the leases taken last (deleted: free for the others at their next pass, never renewed by us). */
    private int giveBack(Handle handle, int excess) {
        return handle.createUpdate("""
                DELETE FROM leases WHERE host_id IN (
                    SELECT host_id FROM leases WHERE holder = :me ORDER BY acquired_at DESC, host_id LIMIT :excess)
                """)
                .bind("me", replica.id()).bind("excess", excess)
                .execute();
    }

    /** At a clean stop: every lease and the replica's row go, so the others take its hosts at their next pass. */
    public void release(Handle handle) {
        int released = handle.createUpdate("DELETE FROM leases WHERE holder = :me").bind("me", replica.id()).execute();
        handle.createUpdate("DELETE FROM replicas WHERE id = :me").bind("me", replica.id()).execute();
        LOG.info(KeyValues.line("event", "leases_released", "replica", replica.id(), "released", released));
    }
}
