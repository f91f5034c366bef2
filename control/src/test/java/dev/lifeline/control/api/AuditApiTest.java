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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditApiTest {
    private RunningControlPlane cp;
    private UUID web;
    private UUID db;

    @BeforeAll
    void history(@TempDir Path dataDir) {
        cp = RunningControlPlane.start(dataDir);
        long team = cp.rows.team("default");
        web = cp.rows.host(team, "web-1", "online", T0, "0.1.0");
        db = cp.rows.host(team, "db-1", "online", T0, "0.1.0");
        cp.rows.audit(team, web, null, "system", "host_unreachable", "ok", T0);
        cp.rows.audit(team, web, "shop", "system", "workload_missing", "ok", T0.plusSeconds(1));
        cp.rows.audit(team, db, "postgres", "user", "command_submitted", "ok", T0.plusSeconds(60));
        cp.rows.audit(team, db, "postgres", "user", "command_failed", "error", T0.plusSeconds(120));
        cp.rows.audit(team, web, "shop", "system", "workload_restored", "ok", T0.plusSeconds(3600));
    }

    @AfterAll
    void stop() {
        cp.discard();
    }

    private List<String> actions(String query) {
        Response r = cp.api.get("/v1/audit" + query, cp.adminToken);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().get("events").forEach(e -> out.add(e.get("action").asText()));
        return out;
    }

    @Test
    void eventsComeNewestFirstWithWhoWhatWhyAndTheStatusChange() {
        JsonNode newest = cp.api.get("/v1/audit?limit=1", cp.adminToken).json().get("events").get(0);
        assertThat(newest.get("action").asText()).isEqualTo("workload_restored");
        assertThat(newest.get("hostname").asText()).isEqualTo("web-1");
        assertThat(newest.get("workload").asText()).isEqualTo("shop");
        assertThat(newest.get("actorKind").asText()).isEqualTo("system");
        assertThat(newest.get("beforeStatus").asText()).isEqualTo("running");
        assertThat(newest.get("afterStatus").asText()).isEqualTo("stopped");
        assertThat(newest.get("at").asText()).isEqualTo("2026-12-06T11:00:00Z");
    }

    @Test
    void eventsAreFilteredByHostWorkloadActionActorKindOutcomeAndTime() {
        assertThat(actions("?host=" + db)).containsExactly("command_failed", "command_submitted");
        assertThat(actions("?workload=shop")).containsExactly("workload_restored", "workload_missing");
        assertThat(actions("?action=host_unreachable")).containsExactly("host_unreachable");
        assertThat(actions("?actorKind=user")).containsExactly("command_failed", "command_submitted");
        assertThat(actions("?outcome=error")).containsExactly("command_failed");
        assertThat(actions("?since=2026-12-06T10:01:00Z&until=2026-12-06T11:00:00Z"))
                .containsExactly("command_failed", "command_submitted");
    }

    @Test
    void pagesFollowTheLastIdOfThePreviousPage() {
        List<String> all = new ArrayList<>();
        String before = "";
        while (true) {
            JsonNode page = cp.api.get("/v1/audit?limit=2" + before, cp.adminToken).json();
            page.get("events").forEach(e -> all.add(e.get("action").asText()));
            if (page.get("next").isNull()) {
                break;
            }
            before = "&before=" + page.get("next").asLong();
        }
        assertThat(all).containsExactly("workload_restored", "command_failed", "command_submitted",
                "workload_missing", "host_unreachable");
    }
}
