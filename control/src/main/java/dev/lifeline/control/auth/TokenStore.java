package dev.lifeline.control.auth;

import static dev.lifeline.control.store.SqlTime.read;
import static dev.lifeline.control.store.SqlTime.at;

import dev.lifeline.control.auth.Authentication.Authenticated;
import dev.lifeline.control.auth.Authentication.Refused;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The tokens table for people: who a bearer token is, minting, listing and revoking. Only a token's SHA-256 is kept;
 * the secret is shown once, when it is minted.
 */
public final class TokenStore {
    private static final String INFO_COLUMNS = "t.id, t.kind, tm.name AS team, t.name, t.created_at, t.used_at, "
            + "t.revoked_at";
    private static final RowMapper<TokenInfo> INFO = (rs, ctx) -> new TokenInfo(rs.getLong("id"),
            rs.getString("kind"), rs.getString("team"), rs.getString("name"), read(rs, "created_at"),
            read(rs, "used_at"), read(rs, "revoked_at"));

    private final Jdbi jdbi;

    public TokenStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Reads an {@code Authorization} header: the operator, a team's member, or why neither. */
    public Authentication authenticate(String authorization) {
        String token = Tokens.fromAuthorization(authorization);
        if (token == null) {
            return new Refused("no bearer token: send 'Authorization: Bearer TOKEN' (the operator's token is "
                    + "admin.token in the control plane's data dir)");
        }
        record Row(long id, String kind, Long teamId, String teamName, String name, boolean revoked) {}
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery("SELECT t.id, t.kind, t.team_id, tm.name AS team, "
                + "t.name, t.revoked_at IS NOT NULL AS revoked FROM tokens t LEFT JOIN teams tm ON tm.id = t.team_id "
                + "WHERE t.sha256 = :sha").bind("sha", Tokens.sha256(token))
                .map((rs, ctx) -> new Row(rs.getLong("id"), rs.getString("kind"), rs.getObject("team_id", Long.class),
                        rs.getString("team"), rs.getString("name"), rs.getBoolean("revoked")))
                .findOne());
        if (row.isEmpty()) {
            return new Refused("unknown token: it was never minted here, or for another control plane");
        }
        Row r = row.get();
        if (r.revoked()) {
            return new Refused("this token was revoked; ask the operator for a new one");
        }
        return switch (TokenKind.fromWire(r.kind())) {
            case ADMIN -> new Authenticated(new Principal.Operator(r.id(), r.name()));
            case TEAM -> new Authenticated(new Principal.TeamMember(r.id(), r.name(), r.teamId(), r.teamName()));
            case JOIN -> new Refused("this is a join token: it registers an agent (lifeline agent --control-plane "
                    + "URL --join-token FILE) and opens no API; use admin.token or a team token");
            case HOST -> new Refused("this is an agent's host token: it opens only the agents' protocol; use "
                    + "admin.token or a team token");
        };
    }

    /** A new admin, team or join token ({@code teamId} null only for admin), in {@code h}'s transaction. */
    public MintedToken mint(Handle h, TokenKind kind, Long teamId, String name, Instant now) {
        String token = Tokens.generate(kind.wireName());
        long id = insert(h, token, kind, teamId, name, now).orElseThrow();
        return new MintedToken(token, find(h, id).orElseThrow());
    }

    /**
     * Records {@code token} (read from a token file) unless it is known already, used or revoked as it may be; true
     * when it was new to this database.
     */
    public boolean ensure(Handle h, String token, TokenKind kind, Long teamId, String name, Instant now) {
        return insert(h, token, kind, teamId, name, now).isPresent();
    }

    private static Optional<Long> insert(Handle h, String token, TokenKind kind, Long teamId, String name,
            Instant now) {
        return h.createQuery("INSERT INTO tokens (kind, team_id, sha256, name, created_at) "
                + "VALUES (:kind, :team, :sha, :name, :now) ON CONFLICT (sha256) DO NOTHING RETURNING id")
                .bind("kind", kind.wireName()).bind("team", teamId).bind("sha", Tokens.sha256(token))
                .bind("name", name).bind("now", at(now)).mapTo(Long.class).findOne();
    }

    public Optional<TokenInfo> find(long id) {
        return jdbi.withHandle(h -> find(h, id));
    }

    private static Optional<TokenInfo> find(Handle h, long id) {
        return h.createQuery("SELECT " + INFO_COLUMNS + " FROM tokens t LEFT JOIN teams tm ON tm.id = t.team_id "
                + "WHERE t.id = :id").bind("id", id).map(INFO).findOne();
    }

    /** Admin, team and join tokens (host tokens belong to their hosts), of one team or all, oldest first. */
    public List<TokenInfo> list(Long teamId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + INFO_COLUMNS + " FROM tokens t "
                + "LEFT JOIN teams tm ON tm.id = t.team_id WHERE t.kind <> 'host' "
                + "AND (CAST(:team AS bigint) IS NULL OR t.team_id = :team) ORDER BY t.id")
                .bind("team", teamId).map(INFO).list());
    }

    /**
     * Revokes a token in {@code h}'s transaction (a revoked one keeps its first revocation time); empty when there is
     * no such token.
     */
    public Optional<TokenInfo> revoke(Handle h, long id, Instant now) {
        h.createUpdate("UPDATE tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL").bind("id", id)
                .bind("now", at(now)).execute();
        return find(h, id);
    }
}
