package dev.lifeline.control.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.control.ApiClient;
import dev.lifeline.control.ControlPlane;
import dev.lifeline.control.config.ControlConfig;
import dev.lifeline.control.config.ControlConfigLoader;
import dev.lifeline.control.store.TestDatabases;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsServerTest {
    @TempDir
    Path dir;

    @Test
    void withPemFilesTheControlPlaneServesHttpsOnly() throws Exception {
        TestCertificates.Pair pair = TestCertificates.generate(dir, "EC");
        Path cert = pair.writeCertificate(dir.resolve("cp.crt"));
        Path key = pair.writeTraditionalKey(dir.resolve("cp.key"));
        ControlConfig loaded = ControlConfigLoader.load(Map.of("listen", "127.0.0.1:0", "tls-cert", cert.toString(),
                "tls-key", key.toString(), "data-dir", dir.resolve("data").toString()), Map.of(), dir);
        ControlConfig config = new ControlConfig(loaded.dataDir(), Optional.of(TestDatabases.freshUrl()),
                loaded.listen(), loaded.tls(), false, loaded.heartbeatInterval(), loaded.monitorInterval(),
                loaded.rules());
        try (ControlPlane plane = ControlPlane.start(config, ControlPlane.fleetParts(), InstantSource.system())) {
            assertThat(plane.url()).startsWith("https://127.0.0.1:");
            ApiClient https = new ApiClient(plane.url(), HttpClient.newBuilder().sslContext(pair.trustingContext())
                    .build());
            String admin = Files.readString(config.dataDir().resolve("admin.token")).strip();
            assertThat(https.get("/v1/whoami", admin).json().get("kind").asText()).isEqualTo("operator");
            ApiClient plain = new ApiClient(plane.url().replace("https://", "http://"));
            assertThatThrownBy(() -> plain.get("/health/live", null)).hasMessageContaining("failed");
            ApiClient untrusting = new ApiClient(plane.url());
            assertThatThrownBy(() -> untrusting.get("/health/live", null)).hasMessageContaining("failed");
        }
    }
}
