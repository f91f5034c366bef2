package dev.lifeline.control.api;

import static dev.lifeline.control.FleetRows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import dev.lifeline.control.ApiClient.Response;
import dev.lifeline.control.RunningControlPlane;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The served document is the repository's, every documented operation is served, and answers fit their schemas. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {
    private static final String BASE = "https://lifeline.invalid/responses.json";
    private final OpenApiDocument document = OpenApiDocument.load();
    private RunningControlPlane cp;
    private SchemaRegistry schemas;
    private UUID host;
    private String command;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        cp = RunningControlPlane.start(dataDir);
        long team = cp.rows.team("default");
        host = cp.rows.host(team, "web-1", "online", T0, "0.1.0");
        cp.rows.workload(host, team, "shop", "running", "1/1 up");
        cp.rows.audit(team, host, "shop", "system", "workload_settled", "ok", T0);
        command = cp.rows.command(team, host, "shop", "backup", "done", T0).toString();
        ObjectNode defs = JsonNodeFactory.instance.objectNode();
        defs.set("$defs", document.tree().path("components").path("schemas"));
        schemas = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), b -> b.schemaRegistryConfig(
                SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()).schemas(Map.of(BASE,
                defs.toString().replace("\"#/components/schemas/", "\"#/$defs/"))));
    }

    @AfterAll
    void stop() {
        cp.discard();
    }

    private void assertFits(Response r, int status, String schema) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        Schema s = schemas.getSchema(SchemaLocation.of(BASE + "#/$defs/" + schema));
        assertThat(s.validate(r.json())).as(schema + ": " + r.text()).isEmpty();
    }

    @Test
    void theServedDocumentIsTheOneInTheRepository() {
        Response r = cp.api.get("/openapi.json", null);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("application/json"));
        assertThat(r.text()).isEqualTo(document.text());
        assertThat(document.tree().get("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void everyDocumentedOperationIsServed() {
        List<String> missing = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.tree().get("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            String concrete = path.getKey().replace("{hostId}", host.toString()).replace("{commandId}", command)
                    .replace("{team}", "default").replace("{tokenId}", "999");
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext();) {
                String method = methods.next().toUpperCase();
                Response r = cp.api.send(cp.api.request(concrete, cp.adminToken).method(method,
                        HttpRequest.BodyPublishers.noBody()));
                if (r.status() == 404 && r.json().path("error").asText().equals("no_route")) {
                    missing.add(method + " " + path.getKey() + " -> " + r.status());
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void answersFitTheirDocumentedSchemas() {
        assertFits(cp.api.get("/v1/whoami", cp.adminToken), 200, "Whoami");
        assertFits(cp.api.get("/v1/hosts", cp.adminToken), 200, "HostList");
        assertFits(cp.api.get("/v1/hosts/" + host, cp.adminToken), 200, "HostDetail");
        assertFits(cp.api.get("/v1/workloads", cp.adminToken), 200, "WorkloadList");
        assertFits(cp.api.get("/v1/commands/" + command, cp.adminToken), 200, "Command");
        assertFits(cp.api.get("/v1/backups", cp.adminToken), 200, "BackupList");
        assertFits(cp.api.get("/v1/audit", cp.adminToken), 200, "AuditPage");
        assertFits(cp.api.get("/v1/teams", cp.adminToken), 200, "TeamList");
        assertFits(cp.api.get("/v1/tokens", cp.adminToken), 200, "TokenList");
        assertFits(cp.api.post("/v1/teams/default/join-tokens", cp.adminToken, "{}"), 201, "MintedToken");
        assertFits(cp.api.get("/v1/hosts/" + UUID.randomUUID(), cp.adminToken), 404, "Error");
        assertFits(cp.api.get("/health/live", null), 200, "Health");
    }
}
