package dev.lifeline.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.http.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/** Talks to a control plane's API for people with a bearer token. */
public final class ControlClient {
    private final URI base;
    private final String token;
    private final HttpClient http;
    private final ObjectMapper json = Json.mapper();

    public ControlClient(URI base, String token, SSLContext tls) {
        this.base = base;
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        this.http = (tls == null ? b : b.sslContext(tls)).build();
    }

    /** An answer: its status and its JSON body ({@code {error, detail}} when it failed). */
    public record Reply(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }

        public String error() {
            return body.has("detail") ? body.get("detail").asText() : body.toString();
        }
    }

    public URI base() {
        return base;
    }

    public Reply get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET());
    }

    public Reply post(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    public ObjectMapper json() {
        return json;
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = json.readTree(r.body().isEmpty() ? "{}" : r.body());
            } catch (IOException notJson) {
                body = json.createObjectNode().put("detail", "HTTP " + r.statusCode() + " from " + base
                        + " (not a Lifeline control plane?)");
            }
            return new Reply(r.statusCode(), body);
        } catch (SSLHandshakeException e) {
            throw new ControlUnavailable("the TLS handshake with " + base + " failed (" + e.getMessage()
                    + "); if its certificate is from your own CA, pass --ca-cert FILE");
        } catch (IOException e) {
            String why = e instanceof ConnectException ? "connection refused" : e.toString();
            throw new ControlUnavailable("the control plane at " + base + " does not answer (" + why
                    + "); is 'lifeline control' running there?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlUnavailable("interrupted");
        }
    }

    /** No control plane to talk to. */
    public static final class ControlUnavailable extends RuntimeException {
        public ControlUnavailable(String message) {
            super(message);
        }
    }
}
