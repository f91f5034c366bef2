package dev.lifeline.agent.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lifeline.agent.command.Command;
import dev.lifeline.agent.command.InsufficientDiskException;
import dev.lifeline.agent.command.ProtectedStackException;
import dev.lifeline.core.journal.JournalException;
import dev.lifeline.agent.recovery.UnknownStackException;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.model.StackName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local HTTP API. Loopback by default; every route except the two health probes needs the bearer token.
 * Requests with a body over 64 KiB are refused; errors are JSON objects with an {@code error} message.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    static final int MAX_BODY = 64 * 1024;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AgentOperations agent;
    private final ApiToken token;
    private final ObjectMapper json = Json.mapper();

    private ApiServer(HttpServer server, ExecutorService executor, AgentOperations agent, ApiToken token) {
        this.server = server;
        this.executor = executor;
        this.agent = agent;
        this.token = token;
    }

    public static ApiServer start(InetSocketAddress address, AgentOperations agent, ApiToken token) throws IOException {
        HttpServer server = HttpServer.create(address, 64);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "api");
            t.setDaemon(true);
            return t;
        });
        ApiServer api = new ApiServer(server, executor, agent, token);
        server.createContext("/", api::handle);
        server.setExecutor(executor);
        server.start();
        log.info("event=api_listening address={}", api.address());
        return api;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:7411}. */
    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        // Not try-with-resources: its catch blocks would run after the exchange is closed, too late to answer.
        try {
            String method = ex.getRequestMethod();
            URI uri = ex.getRequestURI();
            String path = uri.getPath();
            byte[] body = readBody(ex);
            if (body == null) {
                send(ex, 413, error("request body larger than " + MAX_BODY + " bytes"));
                return;
            }
            if (path.equals("/health/live")) {
                send(ex, 200, Map.of("status", "live"));
                return;
            }
            if (path.equals("/health/ready")) {
                AgentOperations.Readiness r = agent.readiness();
                send(ex, r.ready() ? 200 : 503, r);
                return;
            }
            if (!token.accepts(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                send(ex, 401, error("missing or wrong bearer token; the token is in the agent's data dir (api.token)"));
                return;
            }
            route(ex, method, path, uri.getRawQuery(), body);
        } catch (MethodNotAllowed e) {
            send(ex, 405, error(e.getMessage()));
        } catch (UnknownStackException e) {
            send(ex, 404, error(e.getMessage()));
        } catch (ProtectedStackException | dev.lifeline.agent.command.StackHeldException
                | dev.lifeline.agent.backup.StackRunningException e) {
            send(ex, 409, error(e.getMessage()));
        } catch (dev.lifeline.agent.backup.BackupBusyException e) {
            Map<String, String> m = error(e.getMessage());
            if (e.runningJob() != null) {
                m.put("job", e.runningJob());
            }
            send(ex, 409, m);
        } catch (dev.lifeline.agent.backup.NotReadyException e) {
            send(ex, 503, error(e.getMessage()));
        } catch (dev.lifeline.core.repository.RepositoryException e) {
            send(ex, 502, error("backup repository: " + e.getMessage()));
        } catch (InsufficientDiskException e) {
            send(ex, 507, error(e.getMessage()));
        } catch (JournalException e) {
            send(ex, 503, error("the journal cannot record this durably, so nothing was changed: " + e.getMessage()));
        } catch (IllegalArgumentException e) {
            send(ex, 400, error(e.getMessage()));
        } catch (EngineException e) {
            send(ex, 503, error("container engine: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(ex, 503, error("agent is shutting down"));
        } catch (RuntimeException e) {
            log.error("event=api_error path={} error=\"{}\"", ex.getRequestURI().getPath(), e.toString(), e);
            send(ex, 500, error("internal error: " + e.getMessage()));
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex, String method, String path, String query, byte[] body)
            throws IOException, InterruptedException {
        String[] parts = path.split("/");
        if (path.startsWith("/backup") || path.equals("/restore")) {
            backupRoutes(ex, method, path, query, body);
        } else if (path.equals("/stacks")) {
            requireMethod(ex, method, "GET");
            send(ex, 200, agent.stacks());
        } else if (parts.length == 4 && parts[1].equals("stacks") && (parts[3].equals("stop") || parts[3].equals("start"))) {
            requireMethod(ex, method, "POST");
            AgentOperations.Readiness r = agent.readiness();
            if (!r.ready()) {
                send(ex, 503, error("the agent is not ready (" + r.phase() + "): try again when recovery is complete"));
                return;
            }
            StackName stack = StackName.of(parts[2]);
            Command command = parts[3].equals("stop") ? new Command.StopStack(stack, "api")
                    : new Command.StartStack(stack, "api");
            var result = agent.execute(command);
            send(ex, result.ok() ? 200 : 500, result);
        } else if (path.equals("/recovery")) {
            requireMethod(ex, method, "GET");
            var last = agent.lastRecovery();
            if (last.isPresent()) {
                send(ex, 200, last.get());
            } else {
                send(ex, 404, error("recovery has not completed yet"));
            }
        } else if (path.equals("/recovery/plan")) {
            requireMethod(ex, method, "GET");
            send(ex, 200, agent.previewRecovery());
        } else if (path.equals("/events")) {
            requireMethod(ex, method, "GET");
            send(ex, 200, agent.events(limit(query)));
        } else if (path.equals("/metrics")) {
            requireMethod(ex, method, "GET");
            byte[] text = agent.metrics().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, text.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(text);
            }
        } else {
            send(ex, 404, error("no such route: " + method + " " + path));
        }
    }

    /** Request bodies of the backup routes; unknown fields are refused, so a typo is an error, not ignored. */
    record BackupRequest(List<String> stacks) {}

    record RestoreRequest(String stack, String snapshot, String to, Boolean stopStack) {}

    record VerifyRequest(String stack) {}

    private void backupRoutes(HttpExchange ex, String method, String path, String query, byte[] body)
            throws IOException, InterruptedException {
        switch (path) {
            case "/backup" -> {
                requireMethod(ex, method, "POST");
                BackupRequest request = parse(body, BackupRequest.class, new BackupRequest(List.of()));
                List<StackName> stacks = request.stacks() == null ? List.of()
                        : request.stacks().stream().map(StackName::of).toList();
                send(ex, 202, agent.startBackup(stacks));
            }
            case "/backup/status" -> {
                requireMethod(ex, method, "GET");
                Optional<String> job = param(query, "job");
                var view = agent.backupStatus(job);
                if (view.isPresent()) {
                    send(ex, 200, view.get());
                } else {
                    send(ex, 404, error(job.map(j -> "no backup job '" + j + "'").orElse("no backup job has run yet")));
                }
            }
            case "/backup/jobs" -> {
                requireMethod(ex, method, "GET");
                send(ex, 200, Map.of("jobs", agent.backupJobs(param(query, "stack").map(StackName::of), limit(query))));
            }
            case "/backup/due" -> {
                requireMethod(ex, method, "GET");
                send(ex, 200, Map.of("stacks", agent.backupDue()));
            }
            case "/backup/paths" -> {
                requireMethod(ex, method, "GET");
                send(ex, 200, Map.of("paths", agent.backupPaths()));
            }
            case "/backup/snapshots" -> {
                requireMethod(ex, method, "GET");
                send(ex, 200, Map.of("snapshots", agent.backupSnapshots(param(query, "stack").map(StackName::of))
                        .stream().map(ApiServer::snapshot).toList()));
            }
            case "/backup/verify" -> {
                requireMethod(ex, method, "POST");
                VerifyRequest request = parse(body, VerifyRequest.class, null);
                if (request == null || request.stack() == null) {
                    throw new IllegalArgumentException("body must be {\"stack\": \"NAME\"}");
                }
                send(ex, 200, agent.verify(StackName.of(request.stack())));
            }
            case "/restore" -> {
                requireMethod(ex, method, "POST");
                RestoreRequest request = parse(body, RestoreRequest.class, null);
                if (request == null || request.stack() == null) {
                    throw new IllegalArgumentException("body must be {\"stack\": \"NAME\", \"snapshot\": ID or null,"
                            + " \"to\": \"/absolute/dir\" or null, \"stopStack\": true|false}");
                }
                Optional<java.nio.file.Path> to = Optional.ofNullable(request.to()).filter(t -> !t.isBlank())
                        .map(java.nio.file.Path::of);
                if (to.isPresent() && !to.get().isAbsolute()) {
                    throw new IllegalArgumentException("\"to\" must be an absolute path, got '" + request.to() + "'");
                }
                send(ex, 200, agent.restore(StackName.of(request.stack()),
                        Optional.ofNullable(request.snapshot()).filter(v -> !v.isBlank()), to,
                        Boolean.TRUE.equals(request.stopStack())));
            }
            default -> send(ex, 404, error("no such route: " + method + " " + path));
        }
    }

    private static Map<String, Object> snapshot(dev.lifeline.core.repository.RepositorySnapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("shortId", s.shortId());
        m.put("time", s.time());
        m.put("stack", s.tags().get("stack"));
        m.put("job", s.tags().get("job"));
        m.put("source", s.tags().get("source"));
        m.put("host", s.hostname());
        return m;
    }

    private <T> T parse(byte[] body, Class<T> type, T empty) {
        if (body.length == 0) {
            return empty;
        }
        try {
            return json.readerFor(type)
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(body);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("unknown field '" + e.getPropertyName() + "' in the request body");
        } catch (IOException e) {
            throw new IllegalArgumentException("request body is not the JSON this route takes: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** A query parameter's decoded value; a blank one counts as absent. */
    private static Optional<String> param(String query, String name) {
        return rawParam(query, name).filter(v -> !v.isBlank());
    }

    private static Optional<String> rawParam(String query, String name) {
        if (query == null) {
            return Optional.empty();
        }
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(name)) {
                return Optional.of(java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    private static int limit(String query) {
        String text = rawParam(query, "limit").orElse("100");
        int limit;
        try {
            limit = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a whole number, got '" + text + "'");
        }
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be between 1 and 10000, got " + limit);
        }
        return limit;
    }

    private static void requireMethod(HttpExchange ex, String method, String expected) {
        if (!method.equals(expected)) {
            ex.getResponseHeaders().set("Allow", expected);
            throw new MethodNotAllowed(method + " not allowed here; use " + expected);
        }
    }

    /** Reads the body, up to the limit; null when it is larger. */
    private static byte[] readBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > MAX_BODY) {
                    return null;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > MAX_BODY) {
                    return null;
                }
            }
            return out.toByteArray();
        }
    }

    private static Map<String, String> error(String message) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("error", message);
        return m;
    }

    private void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Wrong HTTP method for a known route. */
    static final class MethodNotAllowed extends IllegalArgumentException {
        MethodNotAllowed(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
