package dev.lifeline.control.api;

import static dev.lifeline.control.FleetRows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.control.ApiClient.Response;
import dev.lifeline.control.RunningControlPlane;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsApiTest {
    @TempDir
    Path dataDir;

    private RunningControlPlane cp;
    private long team;
    private UUID web;
    private UUID db;

    @BeforeEach
    void fleet() {
        cp = RunningControlPlane.start(dataDir);
        team = cp.rows.team("default");
        web = cp.rows.host(team, "web-1", "online", T0.plusSeconds(30), "0.1.0");
        db = cp.rows.host(team, "db-1", "unreachable", T0, "0.1.0");
        cp.rows.workload(web, team, "shop", "running", "3/3 containers up");
        cp.rows.workload(web, team, "blog", "stopped", null);
        cp.rows.workload(db, team, "postgres", "missing", null);
    }

    @AfterEach
    void stop() {
        cp.discard();
    }

    @Test
    void hostsAreListedByNameWithStatusLastHeartbeatAgentVersionAndWorkloadCounts() {
        Response r = cp.api.get("/v1/hosts", cp.adminToken);
        assertThat(r.status()).isEqualTo(200);
        JsonNode hosts = r.json().get("hosts");
        assertThat(hosts).hasSize(2);
        JsonNode first = hosts.get(0);
        assertThat(first.get("hostname").asText()).isEqualTo("db-1");
        assertThat(first.get("status").asText()).isEqualTo("unreachable");
        assertThat(first.get("lastHeartbeatAt").asText()).isEqualTo("2026-12-06T10:00:00Z");
        assertThat(first.get("workloads").get("missing").asInt()).isEqualTo(1);
        JsonNode second = hosts.get(1);
        assertThat(second.get("id").asText()).isEqualTo(web.toString());
        assertThat(second.get("agentVersion").asText()).isEqualTo("0.1.0");
        assertThat(second.get("team").asText()).isEqualTo("default");
        assertThat(second.get("workloads").get("running").asInt()).isEqualTo(1);
        assertThat(second.get("workloads").get("stopped").asInt()).isEqualTo(1);
        assertThat(r.json().get("next").isNull()).isTrue();
    }

    @Test
    void hostsAreFilteredByStatus() {
        JsonNode hosts = cp.api.get("/v1/hosts?status=online", cp.adminToken).json().get("hosts");
        assertThat(hosts).extracting(h -> h.get("hostname").asText()).containsExactly("web-1");
    }

    @Test
    void oneHostComesWithItsWorkloads() {
        Response r = cp.api.get("/v1/hosts/" + web, cp.adminToken);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("host").get("hostname").asText()).isEqualTo("web-1");
        assertThat(r.json().get("workloads")).extracting(w -> w.get("name").asText() + "=" + w.get("status").asText())
                .containsExactly("blog=stopped", "shop=running");
        assertThat(r.json().get("workloads").get(1).get("detail").asText()).isEqualTo("3/3 containers up");
    }

    @Test
    void anUnknownHostIsNotFound() {
        Response r = cp.api.get("/v1/hosts/" + UUID.randomUUID(), cp.adminToken);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).isEqualTo("not_found");
        assertThat(r.json().get("detail").asText()).startsWith("no host ");
    }

    @Test
    void hostsArePagedByTheLastHostOfThePreviousPage() {
        for (int i = 0; i < 5; i++) {
            cp.rows.host(team, "node-" + i, "online", T0, "0.1.0");
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            Response page = cp.api.get("/v1/hosts?limit=3" + (after == null ? "" : "&after=" + after),
                    cp.adminToken);
            page.json().get("hosts").forEach(h -> seen.add(h.get("hostname").asText()));
            after = page.json().get("next").isNull() ? null : page.json().get("next").asText();
        } while (after != null);
        assertThat(seen).containsExactly("db-1", "node-0", "node-1", "node-2", "node-3", "node-4", "web-1");
    }

    @Test
    void workloadsAreFilteredByHostAndStatusAndPagedById() {
        assertThat(cp.api.get("/v1/workloads?host=" + web, cp.adminToken).json().get("workloads"))
                .extracting(w -> w.get("name").asText()).containsExactly("shop", "blog");
        assertThat(cp.api.get("/v1/workloads?status=missing", cp.adminToken).json().get("workloads"))
                .extracting(w -> w.get("hostname").asText() + "/" + w.get("name").asText())
                .containsExactly("db-1/postgres");
        Response first = cp.api.get("/v1/workloads?limit=2", cp.adminToken);
        assertThat(first.json().get("workloads")).hasSize(2);
        long next = first.json().get("next").asLong();
        Response second = cp.api.get("/v1/workloads?limit=2&after=" + next, cp.adminToken);
        assertThat(second.json().get("workloads")).extracting(w -> w.get("name").asText()).containsExactly("postgres");
        assertThat(second.json().get("next").isNull()).isTrue();
    }

    @Test
    void backupStatusPerStackShowsTheNewestBackupCommandAndTheLastSuccess() {
        cp.rows.command(team, web, "shop", "backup", "done", T0);
        cp.rows.command(team, web, "shop", "backup", "failed", T0.plusSeconds(3600));
        JsonNode stacks = cp.api.get("/v1/backups?host=" + web, cp.adminToken).json().get("stacks");
        assertThat(stacks).hasSize(2);
        JsonNode shop = stacks.get(1);
        assertThat(shop.get("workload").asText()).isEqualTo("shop");
        assertThat(shop.get("last").get("state").asText()).isEqualTo("failed");
        assertThat(shop.get("last").get("error").asText()).isEqualTo("restic: repository locked");
        assertThat(shop.get("lastSucceededAt").asText()).isEqualTo("2026-12-06T10:01:00Z");
        assertThat(stacks.get(0).get("last").isNull()).isTrue();
    }
}
