package dev.lifeline.control.api;

import static dev.lifeline.control.FleetRows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.control.ApiClient.Response;
import dev.lifeline.control.RunningControlPlane;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Malformed, unknown-field and oversized requests are refused before anything is written. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidationTest {
    private RunningControlPlane cp;
    private UUID host;
    private int commands;
    private int events;
    private int teams;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        cp = RunningControlPlane.start(dataDir);
        long team = cp.rows.team("default");
        host = cp.rows.host(team, "web-1", "online", T0, "0.1.0");
        cp.rows.workload(host, team, "shop", "running", null);
    }

    @BeforeEach
    void counts() {
        commands = cp.rows.count("commands");
        events = cp.rows.count("audit_events");
        teams = cp.rows.count("teams");
    }

    @AfterAll
    void stop() {
        cp.discard();
    }

    private void assertRefusedWithNothingWritten(Response r, int status, String detail) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json().fieldNames()).toIterable().containsExactlyInAnyOrder("error", "detail");
        assertThat(r.json().get("detail").asText()).contains(detail);
        assertThat(cp.rows.count("commands")).isEqualTo(commands);
        assertThat(cp.rows.count("audit_events")).isEqualTo(events);
        assertThat(cp.rows.count("teams")).isEqualTo(teams);
        assertThat(cp.api.get("/v1/hosts/" + host, cp.adminToken).json().get("workloads").get(0).get("status")
                .asText()).isEqualTo("running");
    }

    private String command(String extra) {
        return "{\"host\":\"" + host + "\",\"workload\":\"shop\",\"kind\":\"stop\"" + extra + "}";
    }

    @Test
    void malformedJsonIsRefused() {
        assertRefusedWithNothingWritten(cp.api.post("/v1/commands", cp.adminToken, "{\"host\": "), 400,
                "not valid JSON");
    }

    @Test
    void anUnknownFieldIsRefused() {
        assertRefusedWithNothingWritten(cp.api.post("/v1/commands", cp.adminToken, command(",\"force\":true")), 400,
                "property 'force' is not defined");
        assertRefusedWithNothingWritten(cp.api.post("/v1/teams", cp.adminToken, "{\"name\":\"x\",\"owner\":\"y\"}"),
                400, "property 'owner'");
    }

    @Test
    void valuesOutsideTheirSchemaAreRefusedWithTheFieldNamed() {
        assertRefusedWithNothingWritten(cp.api.post("/v1/commands", cp.adminToken,
                command("").replace("\"stop\"", "\"reboot\"")), 400, "/kind");
        assertRefusedWithNothingWritten(cp.api.post("/v1/commands", cp.adminToken,
                command("").replace(host.toString(), "web-1")), 400, "/host");
        assertRefusedWithNothingWritten(cp.api.post("/v1/commands", cp.adminToken, "{\"workload\":\"shop\"}"), 400,
                "required property 'host'");
        assertRefusedWithNothingWritten(cp.api.post("/v1/teams", cp.adminToken, "{\"name\":\"Bad Name!\"}"), 400,
                "/name");
        assertRefusedWithNothingWritten(cp.api.post("/v1/commands", cp.adminToken, ""), 400, "needs a JSON body");
    }

    @Test
    void unknownOrMalformedQueryParametersAreRefused() {
        assertRefusedWithNothingWritten(cp.api.get("/v1/hosts?stauts=online", cp.adminToken), 400,
                "unknown query parameter 'stauts'");
        assertRefusedWithNothingWritten(cp.api.get("/v1/hosts?status=asleep", cp.adminToken), 400, "status");
        assertRefusedWithNothingWritten(cp.api.get("/v1/audit?since=yesterday", cp.adminToken), 400, "since");
        assertRefusedWithNothingWritten(cp.api.get("/v1/workloads?limit=5000", cp.adminToken), 400, "limit");
        assertRefusedWithNothingWritten(cp.api.get("/v1/audit?limit=abc", cp.adminToken), 400, "not a whole number");
        assertRefusedWithNothingWritten(cp.api.get("/v1/hosts/not-a-uuid", cp.adminToken), 400, "hostId");
        assertRefusedWithNothingWritten(cp.api.get("/v1/audit?since=2026-12-07T00:00:00Z&until=2026-12-06T00:00:00Z",
                cp.adminToken), 400, "must be before until");
    }

    @Test
    void anOversizedBodyIsRefusedWhetherDeclaredOrStreamed() {
        String big = command(",\"reason\":\"" + "x".repeat(70_000) + "\"");
        assertRefusedWithNothingWritten(cp.api.post("/v1/commands", cp.adminToken, big), 413, "over 65536 bytes");
        // no Content-Length: the body arrives chunked and is cut off at the limit
        HttpRequest.BodyPublisher chunked = new HttpRequest.BodyPublisher() {
            private final HttpRequest.BodyPublisher inner = HttpRequest.BodyPublishers.ofString(big);

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
                inner.subscribe(subscriber);
            }
        };
        assertRefusedWithNothingWritten(cp.api.send(cp.api.request("/v1/commands", cp.adminToken)
                .header("Content-Type", "application/json").POST(chunked)), 413, "over 65536 bytes");
    }

    @Test
    void aBodyWhereNoneIsTakenIsRefused() {
        assertRefusedWithNothingWritten(cp.api.send(cp.api.request("/v1/tokens/1", cp.adminToken)
                .method("DELETE", HttpRequest.BodyPublishers.ofString("{}"))), 400, "takes no request body");
    }

    @Test
    void aTooLongReasonIsRefused() {
        assertRefusedWithNothingWritten(cp.api.post("/v1/commands", cp.adminToken,
                command(",\"reason\":\"" + "r".repeat(501) + "\"")), 400, "/reason");
    }
}
