package dev.lifeline.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.lifeline.core.fleet.wire.RegisterRequest;
import dev.lifeline.core.fleet.wire.RegisterResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's TLS against a real TLS server (the JDK's), with certificates made by the JDK's keytool: it trusts the
 * configured PEM file, and nothing else when one is configured.
 */
class HttpControlPlaneClientTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    private HttpsServer server;
    private URI url;

    @BeforeEach
    void startServer() throws Exception {
        Path keystore = certificate("control", "control.p12", "control.pem");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(ks, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/v1/agent/register", exchange -> {
            byte[] body = "{\"hostId\":\"h1\",\"hostToken\":\"llc_host_x\",\"heartbeatIntervalMs\":30000}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        url = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    /** A self-signed certificate for 127.0.0.1 in a PKCS12 keystore, and the certificate alone as PEM. */
    private Path certificate(String alias, String keystore, String pem) throws IOException, InterruptedException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path ks = dir.resolve(keystore);
        run(List.of(keytool, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=lifeline-test", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit"));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", alias, "-keystore", ks.toString(), "-storepass",
                "changeit", "-file", dir.resolve(pem).toString()));
        return ks;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    @Test
    void trustsTheConfiguredPemCertificate() {
        HttpControlPlaneClient client = new HttpControlPlaneClient(url, Optional.of(dir.resolve("control.pem")));
        RegisterResponse joined = client.register(new RegisterRequest("llc_join_x", "node-1", "1.0"));
        assertThat(joined.hostId()).isEqualTo("h1");
    }

    @Test
    void refusesAServerItDoesNotTrustAsUnreachableWithTheReason() throws Exception {
        certificate("other", "other.p12", "other.pem");
        for (Optional<Path> ca : List.of(Optional.<Path>empty(), Optional.of(dir.resolve("other.pem")))) {
            HttpControlPlaneClient client = new HttpControlPlaneClient(url, ca);
            assertThatThrownBy(() -> client.register(new RegisterRequest("llc_join_x", "node-1", "1.0")))
                    .as("trusting " + ca.map(Path::toString).orElse("the JDK's CAs"))
                    .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.kind())
                            .isEqualTo(ControlPlaneException.Kind.UNREACHABLE))
                    .hasMessageContaining(url.toString()).hasMessageContaining("SSLHandshakeException");
        }
    }

    @Test
    void aClosedPortIsUnreachable() {
        HttpControlPlaneClient client = new HttpControlPlaneClient(URI.create("http://127.0.0.1:1"),
                Optional.empty());
        assertThatThrownBy(() -> client.awaitCommands("llc_host_x", Duration.ofSeconds(1), List.of()))
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.kind())
                        .isEqualTo(ControlPlaneException.Kind.UNREACHABLE))
                .hasMessageContaining("ConnectException");
    }
}
