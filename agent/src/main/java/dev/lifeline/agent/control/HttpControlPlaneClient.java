package dev.lifeline.agent.control;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.core.fleet.wire.Heartbeat;
import dev.lifeline.core.fleet.wire.HeartbeatResponse;
import dev.lifeline.core.fleet.wire.PendingCommands;
import dev.lifeline.core.fleet.wire.RegisterRequest;
import dev.lifeline.core.fleet.wire.RegisterResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * The control-plane client over HTTP ({@code java.net.http}, HTTP/1.1): JSON bodies, the host token as Bearer, TLS
 * trusting the configured PEM file (else the JDK's own CAs). Whether plain http is allowed was decided when the
 * configuration was read.
 */
public final class HttpControlPlaneClient implements ControlPlaneClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** How much longer than the long-poll's own wait the answer may take to arrive. */
    private static final Duration LONG_POLL_MARGIN = Duration.ofSeconds(15);

    private final URI base;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public HttpControlPlaneClient(URI base, Optional<Path> caFile) {
        this.base = base;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
        caFile.ifPresent(ca -> builder.sslContext(PemTrust.context(ca)));
        this.http = builder.build();
    }

    @Override
    public RegisterResponse register(RegisterRequest request) {
        return send(post("/v1/agent/register", request).timeout(REQUEST_TIMEOUT), RegisterResponse.class,
                "register with");
    }

    @Override
    public HeartbeatResponse heartbeat(String hostToken, Heartbeat heartbeat) {
        return send(post("/v1/agent/heartbeat", heartbeat).header("Authorization", "Bearer " + hostToken)
                .timeout(REQUEST_TIMEOUT), HeartbeatResponse.class, "send a heartbeat to");
    }

    @Override
    public PendingCommands awaitCommands(String hostToken, Duration wait, Collection<String> known) {
        String query = "?waitMs=" + wait.toMillis() + (known.isEmpty() ? "" : "&known=" + String.join(",", known));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/v1/agent/commands" + query))
                .GET().header("Authorization", "Bearer " + hostToken).timeout(wait.plus(LONG_POLL_MARGIN));
        return send(request, PendingCommands.class, "wait for commands from");
    }

    private HttpRequest.Builder post(String path, Object body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + body.getClass().getSimpleName() + ": " + e, e);
        }
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    }

    private URI uri(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    private <T> T send(HttpRequest.Builder request, Class<T> type, String what) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ControlPlaneException(ControlPlaneException.Kind.UNREACHABLE, "cannot " + what
                    + " the control plane at " + base + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlPlaneException(ControlPlaneException.Kind.UNREACHABLE, "interrupted", e);
        }
        int status = response.statusCode();
        if (status == 200) {
            try {
                return json.readValue(response.body(), type);
            } catch (IOException e) {
                throw new ControlPlaneException(ControlPlaneException.Kind.UNREACHABLE, "the control plane at " + base
                        + " answered something that is not a " + type.getSimpleName() + ": " + e.getMessage(), e);
            }
        }
        String message = "cannot " + what + " the control plane at " + base + ": HTTP " + status + " "
                + errorText(response.body());
        ControlPlaneException.Kind kind = status == 401 || status == 403 ? ControlPlaneException.Kind.UNAUTHORIZED
                : status >= 500 || status == 429 ? ControlPlaneException.Kind.UNREACHABLE
                : ControlPlaneException.Kind.REJECTED;
        throw new ControlPlaneException(kind, message, null);
    }

    private String errorText(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.hasNonNull("error")) {
                return node.get("error").asText();
            }
        } catch (IOException notJson) {
            // the raw text below
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }
}
