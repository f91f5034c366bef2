package dev.lifeline.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.control.auth.BootstrapTokens;
import dev.lifeline.control.store.DatabaseUrl;
import dev.lifeline.control.store.TestDatabases;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneStartTest {
    @TempDir
    Path dataDir;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void theFirstStartWritesTheTokenFiles0600AndASecondStartKeepsThem() throws Exception {
        Path dir = dataDir.resolve("control");
        DatabaseUrl db = TestDatabases.freshUrl();
        String admin;
        String join;
        try (RunningControlPlane first = RunningControlPlane.start(dir, db)) {
            admin = Files.readString(dir.resolve(BootstrapTokens.ADMIN_FILE)).strip();
            join = Files.readString(dir.resolve(BootstrapTokens.JOIN_FILE)).strip();
            assertThat(admin).startsWith("llc_admin_");
            assertThat(join).startsWith("llc_join_");
            assertThat(mode(dir.resolve(BootstrapTokens.ADMIN_FILE))).isEqualTo("rw-------");
            assertThat(mode(dir.resolve(BootstrapTokens.JOIN_FILE))).isEqualTo("rw-------");
            assertThat(mode(dir)).isEqualTo("rwx------");
            assertThat(Files.readString(dir.resolve(ControlPlane.ADDRESS_FILE)).strip()).isEqualTo(first.plane.url());
            assertThat(first.api.get("/v1/teams", admin).json().get("teams").get(0).get("name").asText())
                    .isEqualTo("default");
        }
        try (RunningControlPlane second = RunningControlPlane.start(dir, db)) {
            assertThat(Files.readString(dir.resolve(BootstrapTokens.ADMIN_FILE)).strip()).isEqualTo(admin);
            assertThat(Files.readString(dir.resolve(BootstrapTokens.JOIN_FILE)).strip()).isEqualTo(join);
            assertThat(second.api.get("/v1/whoami", admin).status()).isEqualTo(200);
            assertThat(second.api.get("/v1/tokens", admin).json().get("tokens")).hasSize(2);
        }
    }

    @Test
    void tokenFilesKeptFromAnotherDatabaseAreRecordedInTheNewOne() throws Exception {
        String admin;
        try (RunningControlPlane first = RunningControlPlane.start(dataDir)) {
            admin = first.adminToken;
        }
        try (RunningControlPlane second = RunningControlPlane.start(dataDir, TestDatabases.freshUrl())) {
            assertThat(second.adminToken).isEqualTo(admin);
            assertThat(second.api.get("/v1/whoami", admin).json().get("kind").asText()).isEqualTo("operator");
        }
    }

    @Test
    void readyOnceTheDatabaseIsMigratedAndTheMonitorRanItsFirstPass() {
        try (RunningControlPlane cp = RunningControlPlane.start(dataDir)) {
            assertThat(cp.monitor.started()).isTrue();
            var before = cp.api.get("/health/ready", null);
            assertThat(before.status()).isEqualTo(503);
            assertThat(before.json().get("detail").asText()).contains("first pass");
            cp.monitor.finishFirstPass();
            assertThat(cp.api.get("/health/ready", null).status()).isEqualTo(200);
            assertThat(cp.api.get("/health/live", null).status()).isEqualTo(200);
        }
    }

    @Test
    void closingStopsTheMonitorAndTheServer() {
        RunningControlPlane cp = RunningControlPlane.start(dataDir);
        String url = cp.plane.url();
        cp.discard();
        assertThat(cp.monitor.closed()).isTrue();
        assertThatThrownBy(() -> new ApiClient(url).get("/health/live", null)).hasMessageContaining("failed");
    }

    @Test
    void aRequestNoRouteTakesIsAJsonNotFound() {
        try (RunningControlPlane cp = RunningControlPlane.start(dataDir)) {
            var r = cp.api.get("/v1/nothing-here", cp.adminToken);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().get("error").asText()).isEqualTo("no_route");
            assertThat(r.json().get("detail").asText()).isEqualTo("no route GET /v1/nothing-here; /openapi.json lists "
                    + "the API");
            var wrongMethod = cp.api.send(cp.api.request("/v1/hosts", cp.adminToken).PUT(
                    HttpRequest.BodyPublishers.noBody()));
            assertThat(wrongMethod.json().get("error").asText()).isEqualTo("no_route");
        }
    }

    @Test
    void metricsCountTheFleetByStatus() {
        try (RunningControlPlane cp = RunningControlPlane.start(dataDir)) {
            long team = cp.rows.team("default");
            var host = cp.rows.host(team, "web-1", "online", FleetRows.T0, "0.1.0");
            cp.rows.host(team, "web-2", "unreachable", FleetRows.T0, "0.1.0");
            cp.rows.workload(host, team, "shop", "running", null);
            String text = cp.api.get("/metrics", null).text();
            assertThat(text).contains("lifeline_control_hosts{status=\"online\"} 1.0")
                    .contains("lifeline_control_hosts{status=\"unreachable\"} 1.0")
                    .contains("lifeline_control_hosts{status=\"draining\"} 0.0")
                    .contains("lifeline_control_workloads{status=\"running\"} 1.0")
                    .contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void aDatabaseThatCannotBeReachedFailsTheStartAndLeavesNothingListening() {
        DatabaseUrl nowhere = DatabaseUrl.parse("postgresql://u:secret@127.0.0.1:1/x");
        assertThatThrownBy(() -> ControlPlane.start(RunningControlPlane.config(dataDir, nowhere),
                ControlPlane.fleetParts(), InstantSource.system()))
                .hasMessageContaining("u@127.0.0.1:1/x").hasMessageNotContaining("secret");
        assertThat(dataDir.resolve(ControlPlane.ADDRESS_FILE)).doesNotExist();
    }
}
