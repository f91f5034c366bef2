package dev.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.cli.fleet.ControlClient;
import dev.lifeline.cli.fleet.ControlPages;
import dev.lifeline.cli.fleet.Query;
import dev.lifeline.cli.fleet.TrustedCertificates;
import dev.lifeline.control.ControlPlane;
import dev.lifeline.control.auth.BootstrapTokens;
import dev.lifeline.control.config.ControlDataDir;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/**
 * How the fleet commands reach a control plane: {@code --control-plane URL} and {@code --token FILE}, else
 * {@code LIFELINE_CONTROL_PLANE} and {@code LIFELINE_CONTROL_TOKEN}, else the local control plane's data dir
 * ({@code control.address}, {@code admin.token}).
 */
final class ControlPlaneOptions {
    static final String URL_ENV = "LIFELINE_CONTROL_PLANE";
    static final String TOKEN_ENV = "LIFELINE_CONTROL_TOKEN";
    static final String CA_ENV = "LIFELINE_CONTROL_CA_CERT";

    @Option(names = "--control-plane", paramLabel = "URL",
            description = "The control plane (default: $LIFELINE_CONTROL_PLANE, else the local one's control.address).")
    String url;

    @Option(names = "--token", paramLabel = "FILE",
            description = "File holding an API token (default: $LIFELINE_CONTROL_TOKEN, else the local admin.token).")
    Path tokenFile;

    @Option(names = "--ca-cert", paramLabel = "PEM",
            description = "Trust this certificate (a private CA or a self-signed control plane; default: "
                    + "$LIFELINE_CONTROL_CA_CERT).")
    Path caCert;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The local control plane's data dir, for the defaults (default: $LIFELINE_CONTROL_DATA_DIR, "
                    + "/var/lib/lifeline-control as root, ~/.local/share/lifeline-control otherwise).")
    Path dataDir;

    ControlClient client() {
        return client(System.getenv());
    }

    ControlClient client(Map<String, String> env) {
        Path dir = dataDir != null ? dataDir : ControlDataDir.fromEnvironment(env);
        String base = Optional.ofNullable(url).or(() -> set(env, URL_ENV))
                .orElseGet(() -> readLocal(dir.resolve(ControlPlane.ADDRESS_FILE), "--control-plane URL (or "
                        + URL_ENV + ")"));
        Path token = Optional.ofNullable(tokenFile).or(() -> set(env, TOKEN_ENV).map(Path::of))
                .orElse(dir.resolve(BootstrapTokens.ADMIN_FILE));
        String secret = readLocal(token, "--token FILE (or " + TOKEN_ENV + ")");
        Optional<Path> ca = Optional.ofNullable(caCert).or(() -> set(env, CA_ENV).map(Path::of));
        SSLContext tls = ca.map(TrustedCertificates::from).orElse(null);
        URI uri;
        try {
            uri = URI.create(base.endsWith("/") ? base : base + "/");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--control-plane: '" + base + "' is not a URL (e.g. https://cp:7420)");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--control-plane: '" + base + "' must start with http:// or https://");
        }
        return new ControlClient(uri, secret, tls);
    }

    /** A host given by id or by hostname, as its id. */
    static UUID hostId(ControlClient client, String ref) {
        try {
            return UUID.fromString(ref);
        } catch (IllegalArgumentException notAnId) {
            List<JsonNode> named = ControlPages.collect(client, new Query("v1/hosts").toString(), "hosts", "after",
                    5000, Integer.MAX_VALUE).stream().filter(h -> h.get("hostname").asText().equals(ref)).toList();
            if (named.isEmpty()) {
                throw new IllegalArgumentException("--host: no host named '" + ref + "' (lifeline hosts lists them)");
            }
            if (named.size() > 1) {
                throw new IllegalArgumentException("--host: " + named.size() + " hosts are named '" + ref
                        + "'; give one's id: " + String.join(", ", named.stream().map(h -> h.get("id").asText())
                        .toList()));
            }
            return UUID.fromString(named.get(0).get("id").asText());
        }
    }

    private static Optional<String> set(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static String readLocal(Path file, String flag) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " (" + e.getClass().getSimpleName()
                    + "): pass " + flag + ", or run this as the control plane's user on its machine");
        }
    }
}
