package dev.lifeline.control.agentapi;

import dev.lifeline.control.auth.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Host tokens to hosts, with the lookups kept for a while (every heartbeat and long-poll presents one, and the
 * answer rarely changes): keyed by the token's SHA-256, never the token itself. A revoked token stops working when
 * its entry expires; {@link #forget} drops a host's entries at once.
 */
public final class HostTokens {
    private static final String PREFIX = "llc_host_";

    private record Entry(HostIdentity identity, Instant expires) {}

    private final Jdbi jdbi;
    private final InstantSource clock;
    private final Duration ttl;
    private final int maxEntries;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    public HostTokens(Jdbi jdbi, InstantSource clock, Duration ttl, int maxEntries) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ttl = ttl;
        this.maxEntries = maxEntries;
    }

    /** The host a token belongs to; empty for anything else (unknown, revoked, another kind of token, none). */
    public Optional<HostIdentity> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        byte[] sha = Tokens.sha256(token);
        String key = HexFormat.of().formatHex(sha);
        Instant now = clock.instant();
        Entry cached = cache.get(key);
        if (cached != null && now.isBefore(cached.expires())) {
            return Optional.of(cached.identity());
        }
        Optional<HostIdentity> found = jdbi.withHandle(h -> h.createQuery("""
                SELECT host_id, team_id FROM tokens
                WHERE sha256 = :sha AND kind = 'host' AND revoked_at IS NULL
                """)
                .bind("sha", sha)
                .map((rs, ctx) -> new HostIdentity(rs.getObject("host_id", UUID.class), rs.getLong("team_id")))
                .findOne());
        if (found.isPresent()) {
            if (cache.size() >= maxEntries) {
                cache.clear();
            }
            cache.put(key, new Entry(found.get(), now.plus(ttl)));
        } else {
            cache.remove(key);
        }
        return found;
    }

    /** Drops the host's cached lookups (its tokens were revoked, or the host deleted). */
    public void forget(UUID host) {
        cache.values().removeIf(e -> e.identity().host().equals(host));
    }
}
