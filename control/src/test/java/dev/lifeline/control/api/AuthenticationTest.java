package dev.lifeline.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.control.ApiClient.Response;
import dev.lifeline.control.RunningControlPlane;
import dev.lifeline.control.auth.BootstrapTokens;
import dev.lifeline.control.auth.TokenKind;
import java.nio.file.Files;
import dev.lifeline.control.auth.Tokens;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationTest {
    private RunningControlPlane cp;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        cp = RunningControlPlane.start(dataDir);
    }

    @AfterAll
    void stop() {
        cp.discard();
    }

    private void assertRefused(Response r, String why) {
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
        assertThat(r.json().get("detail").asText()).contains(why);
    }

    @Test
    void noTokenIsRefusedWithWhereToFindOne() {
        assertRefused(cp.api.get("/v1/hosts", null), "admin.token");
        assertRefused(cp.api.send(cp.api.request("/v1/hosts", null).header("Authorization", "Basic eDp5").GET()),
                "no bearer token");
    }

    @Test
    void anUnknownTokenIsRefusedAndNotRepeated() {
        Response r = cp.api.get("/v1/hosts", "llc_team_not-a-real-token");
        assertRefused(r, "unknown token");
        assertThat(r.text()).doesNotContain("not-a-real-token");
    }

    @Test
    void aJoinTokenOrAHostTokenOpensNoApiForPeople() throws Exception {
        String join = Files.readString(cp.dataDir.resolve(BootstrapTokens.JOIN_FILE)).strip();
        assertRefused(cp.api.get("/v1/hosts", join), "join token");
        long team = cp.rows.team("default");
        UUID host = cp.rows.host(team, "h", "online", null, null);
        String hostToken = cp.plane.database().jdbi().inTransaction(h -> {
            String token = Tokens.generate("host");
            h.createUpdate("INSERT INTO tokens (kind, team_id, host_id, sha256, name, created_at) VALUES ('host', "
                    + ":team, :host, :sha, 'host', now())").bind("team", team).bind("host", host)
                    .bind("sha", Tokens.sha256(token)).execute();
            return token;
        });
        assertRefused(cp.api.get("/v1/hosts", hostToken), "host token");
    }

    @Test
    void aRevokedTokenIsRefused() {
        long team = cp.rows.team("ops");
        String token = cp.rows.token(TokenKind.TEAM, team, "laptop");
        assertThat(cp.api.get("/v1/hosts", token).status()).isEqualTo(200);
        long id = cp.api.get("/v1/tokens?team=ops", cp.adminToken).json().get("tokens").get(0).get("id").asLong();
        assertThat(cp.api.delete("/v1/tokens/" + id, cp.adminToken).status()).isEqualTo(200);
        assertRefused(cp.api.get("/v1/hosts", token), "revoked");
    }

    @Test
    void healthMetricsOpenApiAndTheDashboardNeedNoToken() {
        assertThat(cp.api.get("/health/live", null).status()).isEqualTo(200);
        assertThat(cp.api.get("/metrics", null).status()).isEqualTo(200);
        assertThat(cp.api.get("/openapi.json", null).status()).isEqualTo(200);
        assertThat(cp.api.get("/", null).status()).isEqualTo(200);
    }
}
