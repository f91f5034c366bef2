package dev.lifeline.control.api;

import static dev.lifeline.control.FleetRows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.control.ApiClient.Response;
import dev.lifeline.control.RunningControlPlane;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A team's token reads and acts on its own team only; another team's rows do not exist for it (404, not 403). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationTest {
    private RunningControlPlane cp;
    private long teamA;
    private long teamB;
    private String tokenA;
    private UUID hostA;
    private UUID hostB;
    private UUID commandB;

    @BeforeAll
    void twoTeams(@TempDir Path dataDir) {
        cp = RunningControlPlane.start(dataDir);
        teamA = cp.rows.team("alpha");
        teamB = cp.rows.team("beta");
        tokenA = cp.rows.teamToken(teamA, "ci");
        hostA = cp.rows.host(teamA, "a-1", "online", T0, "0.1.0");
        hostB = cp.rows.host(teamB, "b-1", "online", T0, "0.1.0");
        cp.rows.workload(hostA, teamA, "shop", "running", null);
        cp.rows.workload(hostB, teamB, "bank", "running", null);
        cp.rows.audit(teamA, hostA, "shop", "system", "workload_settled", "ok", T0);
        cp.rows.audit(teamB, hostB, "bank", "system", "workload_settled", "ok", T0);
        cp.rows.audit(null, null, null, "system", "mass_silence_hold", "ok", T0);
        commandB = cp.rows.command(teamB, hostB, "bank", "backup", "done", T0);
    }

    @AfterAll
    void stop() {
        cp.discard();
    }

    @Test
    void aTeamListsOnlyItsOwnHostsWorkloadsBackupsAuditEventsAndTeam() {
        assertThat(cp.api.get("/v1/hosts", tokenA).json().get("hosts"))
                .extracting(h -> h.get("hostname").asText()).containsExactly("a-1");
        assertThat(cp.api.get("/v1/hosts?team=beta", tokenA).json().get("hosts")).isEmpty();
        assertThat(cp.api.get("/v1/workloads", tokenA).json().get("workloads"))
                .extracting(w -> w.get("name").asText()).containsExactly("shop");
        assertThat(cp.api.get("/v1/backups", tokenA).json().get("stacks"))
                .extracting(w -> w.get("workload").asText()).containsExactly("shop");
        assertThat(cp.api.get("/v1/audit", tokenA).json().get("events"))
                .extracting(e -> e.get("hostname").asText()).containsExactly("a-1");
        assertThat(cp.api.get("/v1/teams", tokenA).json().get("teams"))
                .extracting(t -> t.get("name").asText()).containsExactly("alpha");
        assertThat(cp.api.get("/v1/whoami", tokenA).json().get("actor").asText()).isEqualTo("ci@alpha");
    }

    @Test
    void anotherTeamsHostWorkloadsAndCommandsAreNotFound() {
        assertThat(cp.api.get("/v1/hosts/" + hostB, tokenA).status()).isEqualTo(404);
        assertThat(cp.api.get("/v1/workloads?host=" + hostB, tokenA).json().get("workloads")).isEmpty();
        assertThat(cp.api.get("/v1/audit?host=" + hostB, tokenA).json().get("events")).isEmpty();
        assertThat(cp.api.get("/v1/commands/" + commandB, tokenA).status()).isEqualTo(404);
    }

    @Test
    void aCommandForAnotherTeamsWorkloadIsNotFoundAndWritesNothing() {
        int commands = cp.rows.count("commands");
        int events = cp.rows.count("audit_events");
        Response r = cp.api.post("/v1/commands", tokenA, "{\"host\":\"" + hostB + "\",\"workload\":\"bank\","
                + "\"kind\":\"stop\"}");
        assertThat(r.status()).isEqualTo(404);
        assertThat(cp.rows.count("commands")).isEqualTo(commands);
        assertThat(cp.rows.count("audit_events")).isEqualTo(events);
        assertThat(cp.api.get("/v1/hosts/" + hostB, cp.adminToken).json().get("workloads").get(0).get("status")
                .asText()).isEqualTo("running");
    }

    @Test
    void theOperatorSeesEveryTeamAndFleetWideEvents() {
        assertThat(cp.api.get("/v1/hosts", cp.adminToken).json().get("hosts"))
                .extracting(h -> h.get("hostname").asText()).containsExactly("a-1", "b-1");
        assertThat(cp.api.get("/v1/hosts?team=beta", cp.adminToken).json().get("hosts"))
                .extracting(h -> h.get("hostname").asText()).containsExactly("b-1");
        assertThat(cp.api.get("/v1/audit", cp.adminToken).json().get("events"))
                .extracting(e -> e.get("action").asText()).contains("mass_silence_hold");
        assertThat(cp.api.get("/v1/commands/" + commandB, cp.adminToken).status()).isEqualTo(200);
    }

    @Test
    void teamsAndTokensAreTheOperatorsOnly() {
        for (Response r : new Response[] {cp.api.post("/v1/teams", tokenA, "{\"name\":\"gamma\"}"),
                cp.api.post("/v1/teams/alpha/tokens", tokenA, "{\"name\":\"more\"}"),
                cp.api.post("/v1/teams/alpha/join-tokens", tokenA, "{}"),
                cp.api.get("/v1/tokens", tokenA), cp.api.delete("/v1/tokens/1", tokenA)}) {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().get("detail").asText()).contains("admin.token");
        }
    }
}
