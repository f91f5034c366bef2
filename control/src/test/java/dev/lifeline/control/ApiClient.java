package dev.lifeline.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Real HTTP to a running control plane, as a script would call it. */
public final class ApiClient {
    private final HttpClient http;
    private final String base;
    private final ObjectMapper json = Json.mapper();

    public ApiClient(String base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    public ApiClient(String base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    /** A response: its status, body as JSON (a text body as a JSON string), raw text and headers. */
    public record Response(int status, JsonNode json, String text, HttpHeaders headers) {}

    public Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Response post(String path, String token, String body) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode tree;
            try {
                tree = json.readTree(r.body().isEmpty() ? "null" : r.body());
            } catch (IOException notJson) {
                tree = json.getNodeFactory().textNode(r.body());
            }
            return new Response(r.statusCode(), tree, r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException("request to " + base + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
