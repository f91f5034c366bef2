package dev.lifeline.control.api;

import static dev.lifeline.control.FleetRows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.control.ApiClient.Response;
import dev.lifeline.control.RunningControlPlane;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsApiTest {
    @TempDir
    Path dataDir;

    private RunningControlPlane cp;
    private long team;
    private UUID web;

    @BeforeEach
    void fleet() {
        cp = RunningControlPlane.start(dataDir);
        team = cp.rows.team("default");
        web = cp.rows.host(team, "web-1", "online", T0, "0.1.0");
        cp.rows.workload(web, team, "shop", "running", null);
    }

    @AfterEach
    void stop() {
        cp.discard();
    }

    private Response submit(UUID host, String workload, String kind) {
        return cp.api.post("/v1/commands", cp.adminToken, "{\"host\":\"" + host + "\",\"workload\":\"" + workload
                + "\",\"kind\":\"" + kind + "\",\"reason\":\"maintenance\"}");
    }

    @Test
    void aCommandIsAcceptedWithItsIdAndItsStateCanBeRead() {
        Response r = submit(web, "shop", "stop");
        assertThat(r.status()).isEqualTo(202);
        JsonNode command = r.json();
        assertThat(command.get("state").asText()).isEqualTo("pending");
        assertThat(command.get("kind").asText()).isEqualTo("stop");
        assertThat(command.get("actor").asText()).isEqualTo("admin");
        assertThat(command.get("reason").asText()).isEqualTo("maintenance");
        Response read = cp.api.get("/v1/commands/" + command.get("id").asText(), cp.adminToken);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("workload").asText()).isEqualTo("shop");
        assertThat(cp.api.get("/v1/hosts/" + web, cp.adminToken).json().get("workloads").get(0).get("status")
                .asText()).isEqualTo("stopping");
    }

    @Test
    void aWorkloadAlreadyChangingIsAConflict() {
        assertThat(submit(web, "shop", "stop").status()).isEqualTo(202);
        Response again = submit(web, "shop", "start");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).contains("stopping");
    }

    @Test
    void anUnreachableHostTakesNoCommand() {
        UUID gone = cp.rows.host(team, "db-1", "unreachable", T0, "0.1.0");
        cp.rows.workload(gone, team, "postgres", "missing", null);
        int commands = cp.rows.count("commands");
        Response r = submit(gone, "postgres", "start");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("detail").asText()).contains("db-1 is unreachable");
        assertThat(cp.rows.count("commands")).isEqualTo(commands);
    }

    @Test
    void anUnknownHostOrWorkloadIsNotFound() {
        assertThat(submit(UUID.randomUUID(), "shop", "stop").status()).isEqualTo(404);
        Response r = submit(web, "nope", "stop");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("detail").asText()).isEqualTo("no workload 'nope' on host web-1");
        assertThat(cp.api.get("/v1/commands/" + UUID.randomUUID(), cp.adminToken).status()).isEqualTo(404);
    }
}
