package dev.lifeline.agent.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lifeline.agent.command.Command;
import dev.lifeline.agent.command.InsufficientDiskException;
import dev.lifeline.agent.command.ProtectedStackException;
import dev.lifeline.core.journal.JournalException;
import dev.lifeline.agent.command.UnknownStackException;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.model.StackName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
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
            if (!drainBody(ex)) {
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
            route(ex, method, path, uri.getRawQuery());
        } catch (MethodNotAllowed e) {
            send(ex, 405, error(e.getMessage()));
        } catch (UnknownStackException e) {
            send(ex, 404, error(e.getMessage()));
        } catch (ProtectedStackException e) {
            send(ex, 409, error(e.getMessage()));
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

    private void route(HttpExchange ex, String method, String path, String query)
            throws IOException, InterruptedException {
        String[] parts = path.split("/");
        if (path.equals("/stacks")) {
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
            byte[] body = agent.metrics().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } else {
            send(ex, 404, error("no such route: " + method + " " + path));
        }
    }

    private static int limit(String query) {
        int limit = 100;
        if (query != null) {
            for (String kv : query.split("&")) {
                if (kv.startsWith("limit=")) {
                    try {
                        limit = Integer.parseInt(kv.substring(6));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("limit must be a whole number, got '" + kv.substring(6) + "'");
                    }
                }
            }
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

    /** Reads and discards the body, up to the limit; false when it is larger. */
    private static boolean drainBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > MAX_BODY) {
                    return false;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > MAX_BODY) {
                    return false;
                }
            }
        }
        return true;
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
