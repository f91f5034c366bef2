package dev.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.agent.api.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/** Talks to the running agent, found through the data dir's address and token files. */
final class AgentClient {
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ObjectMapper json = Json.mapper();

    private AgentClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    static AgentClient forDataDir(Path dataDir) {
        try {
            String address = Files.readString(dataDir.resolve("agent.address")).trim();
            String token = Files.readString(dataDir.resolve("api.token")).trim();
            return new AgentClient(URI.create(address), token);
        } catch (NoSuchFileException e) {
            throw new AgentUnavailable("no agent has run with data dir " + dataDir + " (" + e.getFile()
                    + " is missing); start one with 'lifeline agent' or pass --data-dir / LIFELINE_DATA_DIR");
        } catch (IOException e) {
            throw new AgentUnavailable("cannot read the agent's address or token in " + dataDir + ": " + e.getMessage()
                    + " (run as the user that runs the agent)");
        }
    }

    /** A response: status and parsed JSON body. */
    record Reply(int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }

        String error() {
            return body.has("error") ? body.get("error").asText() : body.toString();
        }
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), Duration.ofSeconds(30));
    }

    Reply post(String path, Duration timeout) {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()), timeout);
    }

    /** A POST with a JSON body; long operations pass a long timeout, everything else keeps a short one. */
    Reply post(String path, JsonNode body, Duration timeout) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), timeout);
    }

    ObjectMapper json() {
        return json;
    }

    String getText(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).GET()
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentUnavailable("interrupted");
        }
    }

    private Reply send(HttpRequest.Builder request, Duration timeout) {
        try {
            HttpResponse<String> r = http.send(request.header("Authorization", "Bearer " + token).timeout(timeout)
                    .build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), json.readTree(r.body().isEmpty() ? "{}" : r.body()));
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentUnavailable("interrupted");
        }
    }

    private AgentUnavailable unreachable(IOException e) {
        String why = e instanceof ConnectException ? "connection refused" : e.toString();
        return new AgentUnavailable("the agent at " + base + " does not answer (" + why
                + "); is 'lifeline agent' running? (systemctl status lifeline)");
    }

    /** No agent to talk to. */
    static final class AgentUnavailable extends RuntimeException {
        AgentUnavailable(String message) {
            super(message);
        }
    }
}
