package dev.lifeline.control.api;

import dev.lifeline.control.api.ApiRoutes.Access;
import dev.lifeline.control.api.Requests.TeamRequest;
import dev.lifeline.control.api.Requests.TokenRequest;
import dev.lifeline.control.api.Views.TeamList;
import dev.lifeline.control.api.Views.TokenList;
import dev.lifeline.control.api.Views.Whoami;
import dev.lifeline.control.auth.MintedToken;
import dev.lifeline.control.auth.Principal;
import dev.lifeline.control.auth.Team;
import dev.lifeline.control.auth.TeamStore;
import dev.lifeline.control.auth.TokenInfo;
import dev.lifeline.control.auth.TokenKind;
import dev.lifeline.control.auth.TokenStore;
import dev.lifeline.core.log.KeyValues;
import java.time.InstantSource;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who the caller is; teams and tokens, which only the operator creates, mints and revokes (each change audited in
 * its own transaction). A minted token's secret is in the answer only.
 */
final class TeamRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(TeamRoutes.class);

    private final Jdbi jdbi;
    private final TeamStore teams;
    private final TokenStore tokens;
    private final InstantSource clock;

    TeamRoutes(Jdbi jdbi, TeamStore teams, TokenStore tokens, InstantSource clock) {
        this.jdbi = jdbi;
        this.teams = teams;
        this.tokens = tokens;
        this.clock = clock;
    }

    void register(ApiRoutes routes) {
        routes.get("/v1/whoami", Access.ANY_TOKEN, call -> Reply.ok(switch (call.principal()) {
            case Principal.Operator o -> new Whoami("operator", null, o.actor());
            case Principal.TeamMember m -> new Whoami("team", m.teamName(), m.actor());
        }));
        routes.get("/v1/teams", Access.ANY_TOKEN, call -> Reply.ok(new TeamList(teams.list(call.principal().scope()))));
        routes.post("/v1/teams", Access.OPERATOR, call -> {
            String name = call.body(TeamRequest.class).orElseThrow().name();
            Team team = jdbi.inTransaction(h -> {
                Team created = teams.create(h, name, clock.instant()).orElseThrow(() -> ApiException.conflict(
                        "team '" + name + "' exists already"));
                UserAudit.append(h, created.id(), call.principal().actor(), "team_created", "team " + name,
                        clock.instant());
                return created;
            });
            LOG.info(KeyValues.line("event", "team_created", "team", name, "actor", call.principal().actor()));
            return Reply.created(team);
        });
        routes.post("/v1/teams/{team}/tokens", Access.OPERATOR, call -> Reply.created(mint(call, TokenKind.TEAM,
                call.body(TokenRequest.class).orElseThrow().name())));
        routes.post("/v1/teams/{team}/join-tokens", Access.OPERATOR, call -> Reply.created(mint(call, TokenKind.JOIN,
                call.body(TokenRequest.class).map(TokenRequest::name).orElse("join"))));
        routes.get("/v1/tokens", Access.OPERATOR, call -> {
            String name = call.query("team");
            Long teamId = name == null ? null : team(name).id();
            return Reply.ok(new TokenList(tokens.list(teamId)));
        });
        routes.delete("/v1/tokens/{tokenId}", Access.OPERATOR, this::revoke);
    }

    private MintedToken mint(ApiCall call, TokenKind kind, String name) {
        Team team = team(call.path("team"));
        MintedToken minted = jdbi.inTransaction(h -> {
            MintedToken m = tokens.mint(h, kind, team.id(), name, clock.instant());
            UserAudit.append(h, team.id(), call.principal().actor(), "token_minted", kind.wireName() + " token '"
                    + name + "' (id " + m.info().id() + ")", clock.instant());
            return m;
        });
        LOG.info(KeyValues.line("event", "token_minted", "kind", kind.wireName(), "team", team.name(), "token_id",
                minted.info().id(), "actor", call.principal().actor()));
        return minted;
    }

    private Reply revoke(ApiCall call) {
        long id = Long.parseLong(call.path("tokenId"));
        TokenInfo token = tokens.find(id).filter(t -> !t.kind().equals(TokenKind.HOST.wireName()))
                .orElseThrow(() -> ApiException.notFound("no token " + id + " (GET /v1/tokens lists them)"));
        if (token.kind().equals(TokenKind.ADMIN.wireName())) {
            throw ApiException.conflict("the admin token cannot be revoked through the API, which it opens; to "
                    + "replace it, stop the control plane, delete admin.token and revoke it in the database");
        }
        TokenInfo revoked = jdbi.inTransaction(h -> {
            TokenInfo r = tokens.revoke(h, id, clock.instant()).orElseThrow();
            Long teamId = teams.find(r.team()).map(Team::id).orElse(null);
            UserAudit.append(h, teamId, call.principal().actor(), "token_revoked", r.kind() + " token '" + r.name()
                    + "' (id " + id + ")", clock.instant());
            return r;
        });
        LOG.info(KeyValues.line("event", "token_revoked", "token_id", id, "actor", call.principal().actor()));
        return Reply.ok(revoked);
    }

    private Team team(String name) {
        return teams.find(name).orElseThrow(() -> ApiException.notFound("no team '" + name
                + "' (GET /v1/teams lists them)"));
    }
}
