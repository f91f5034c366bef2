package dev.lifeline.control.api;

import static dev.lifeline.control.FleetRows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.control.ApiClient.Response;
import dev.lifeline.control.RunningControlPlane;
import dev.lifeline.control.auth.Tokens;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeamsAndTokensApiTest {
    @TempDir
    Path dataDir;

    private RunningControlPlane cp;

    @BeforeEach
    void start() {
        cp = RunningControlPlane.start(dataDir);
    }

    @AfterEach
    void stop() {
        cp.discard();
    }

    @Test
    void theOperatorCreatesATeamAndMintsItATokenThatSeesOnlyThatTeam() {
        Response team = cp.api.post("/v1/teams", cp.adminToken, "{\"name\":\"ops\"}");
        assertThat(team.status()).isEqualTo(201);
        assertThat(team.json().get("name").asText()).isEqualTo("ops");
        cp.rows.host(team.json().get("id").asLong(), "ops-1", "online", T0, "0.1.0");
        cp.rows.host(cp.rows.team("default"), "other", "online", T0, "0.1.0");

        Response minted = cp.api.post("/v1/teams/ops/tokens", cp.adminToken, "{\"name\":\"ci\"}");
        assertThat(minted.status()).isEqualTo(201);
        String token = minted.json().get("token").asText();
        assertThat(token).startsWith("llc_team_");
        assertThat(minted.json().get("info").get("team").asText()).isEqualTo("ops");
        assertThat(cp.api.get("/v1/hosts", token).json().get("hosts")).extracting(h -> h.get("hostname").asText())
                .containsExactly("ops-1");

        JsonNode listed = cp.api.get("/v1/tokens?team=ops", cp.adminToken).json().get("tokens");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).toString()).doesNotContain(token);
        assertThat(cp.api.get("/v1/audit?actorKind=user", cp.adminToken).json().get("events"))
                .extracting(e -> e.get("action").asText()).containsExactly("token_minted", "team_created");
    }

    @Test
    void aTeamThatExistsIsAConflictAndAnUnknownTeamIsNotFound() {
        assertThat(cp.api.post("/v1/teams", cp.adminToken, "{\"name\":\"default\"}").status()).isEqualTo(409);
        assertThat(cp.api.post("/v1/teams/ghosts/tokens", cp.adminToken, "{\"name\":\"ci\"}").status())
                .isEqualTo(404);
    }

    @Test
    void aJoinTokenIsMintedForATeamWithOrWithoutAName() {
        Response plain = cp.api.post("/v1/teams/default/join-tokens", cp.adminToken, "");
        assertThat(plain.status()).isEqualTo(201);
        assertThat(plain.json().get("token").asText()).startsWith("llc_join_");
        assertThat(plain.json().get("info").get("kind").asText()).isEqualTo("join");
        Response named = cp.api.post("/v1/teams/default/join-tokens", cp.adminToken, "{\"name\":\"rack-7\"}");
        assertThat(named.json().get("info").get("name").asText()).isEqualTo("rack-7");
        String secret = named.json().get("token").asText();
        int stored = cp.plane.database().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM tokens "
                + "WHERE sha256 = :sha AND kind = 'join'").bind("sha", Tokens.sha256(secret)).mapTo(Integer.class)
                .one());
        assertThat(stored).isEqualTo(1);
    }

    @Test
    void revokingIsAuditedAndTheAdminTokenCannotBeRevoked() {
        cp.api.post("/v1/teams", cp.adminToken, "{\"name\":\"ops\"}");
        long id = cp.api.post("/v1/teams/ops/tokens", cp.adminToken, "{\"name\":\"ci\"}").json().get("info")
                .get("id").asLong();
        Response revoked = cp.api.delete("/v1/tokens/" + id, cp.adminToken);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("revokedAt").isNull()).isFalse();
        assertThat(cp.api.get("/v1/audit?action=token_revoked", cp.adminToken).json().get("events")).hasSize(1);
        long admin = cp.api.get("/v1/tokens", cp.adminToken).json().get("tokens").get(0).get("id").asLong();
        assertThat(cp.api.delete("/v1/tokens/" + admin, cp.adminToken).status()).isEqualTo(409);
        assertThat(cp.api.delete("/v1/tokens/999999", cp.adminToken).status()).isEqualTo(404);
    }
}
