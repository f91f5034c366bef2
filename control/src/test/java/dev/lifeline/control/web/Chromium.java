package dev.lifeline.control.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Headless Chromium ({@code /usr/bin/chromium}, installed by {@code scripts/setup-host --tests}) driven through the
 * Chrome DevTools protocol over the JDK's own WebSocket client: one page, scripts evaluated in it, waits that poll a
 * condition in the page (never a fixed sleep), screenshots.
 */
public final class Chromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket socket, Listener listener) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
        listener.owner = this;
    }

    /** Starts a headless browser with its own throw-away profile, showing {@code about:blank}. */
    public static Chromium start(Path profile) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: run scripts/setup-host --tests (as root) to "
                    + "install Debian's chromium, which the dashboard's test drives headless");
        }
        Process process = new ProcessBuilder(List.of(BINARY.toString(), "--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--user-data-dir=" + profile, "--window-size=1280,1000", "about:blank"))
                .redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromium.log").toFile()).start();
        try {
            Path active = profile.resolve("DevToolsActivePort");
            Instant deadline = Instant.now().plusSeconds(60);
            while (!Files.exists(active) || Files.readAllLines(active).isEmpty()) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("chromium did not open its DevTools port; its output: "
                            + Files.readString(profile.resolveSibling("chromium.log")));
                }
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
            int port = Integer.parseInt(Files.readAllLines(active).get(0).strip());
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
            String page = null;
            for (JsonNode t : targets) {
                if (t.get("type").asText().equals("page")) {
                    page = t.get("webSocketDebuggerUrl").asText();
                }
            }
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(page), listener).get(30,
                    TimeUnit.SECONDS);
            Chromium chromium = new Chromium(process, profile, socket, listener);
            chromium.call("Page.enable", Map.of());
            chromium.call("Runtime.enable", Map.of());
            return chromium;
        } catch (Exception e) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** One DevTools command and its result. */
    public JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        socket.sendText(message.toString(), true).get(10, TimeUnit.SECONDS);
        JsonNode reply = answer.get(30, TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        return reply.get("result");
    }

    public void open(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
        waitFor("document.readyState === 'complete' && location.href.startsWith(" + JSON.writeValueAsString(url)
                + ")", Duration.ofSeconds(30));
    }

    /** The value of a JavaScript expression in the page (awaited when it is a promise). */
    public JsonNode evaluate(String expression) throws Exception {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("'" + expression + "' threw: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Waits until {@code condition} is true in the page; fails with the condition after {@code timeout}. */
    public void waitFor(String condition, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (!evaluate("Boolean(" + condition + ")").asBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the page never showed: " + condition + "; it shows: "
                        + evaluate("document.body.innerText").asText());
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
    }

    public void screenshot(Path png) throws Exception {
        String data = call("Page.captureScreenshot", Map.of("format", "png")).get("data").asText();
        Files.write(png, Base64.getDecoder().decode(data));
    }

    @Override
    public void close() throws Exception {
        Path socketLink = profile.resolve("SingletonSocket");
        Path runDir = Files.isSymbolicLink(socketLink) ? Files.readSymbolicLink(socketLink).getParent() : null;
        socket.abort();
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // chromium's helper processes name the profile dir; they end with the browser
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(profile.toString()))
                .orElse(false)).forEach(ProcessHandle::destroyForcibly);
        // its singleton links point into a dir of its own under /tmp, which a killed browser leaves behind
        for (String link : List.of("SingletonLock", "SingletonSocket", "SingletonCookie")) {
            Files.deleteIfExists(profile.resolve(link));
        }
        if (runDir != null && runDir.getFileName().toString().startsWith("org.chromium.")) {
            try (Stream<Path> files = Files.walk(runDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private void answered(JsonNode message) {
        if (message.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(message.get("id").asInt());
            if (f != null) {
                f.complete(message);
            }
        }
    }

    /** Collects a message's frames, then hands the whole message to its waiting call. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private Chromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    if (owner != null) {
                        owner.answered(JSON.readTree(text));
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("DevTools sent something that is not JSON: " + text, e);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
