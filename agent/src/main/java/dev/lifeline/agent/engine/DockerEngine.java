package dev.lifeline.agent.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.VersionComponent;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.lifeline.core.engine.ContainerEngine;
import dev.lifeline.core.engine.DataMount;
import dev.lifeline.core.engine.ExecResult;
import dev.lifeline.core.engine.EngineEventListener;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.core.engine.EventSubscription;
import dev.lifeline.core.engine.HealthProbe;
import dev.lifeline.core.engine.ScratchContainer;
import dev.lifeline.core.log.KeyValues;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ContainerEngine} over the Docker Engine API (Docker, or Podman's compatible service) with docker-java. */
public final class DockerEngine implements ContainerEngine {
    private static final Logger log = LoggerFactory.getLogger(DockerEngine.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Connections kept open to the engine, at most (the list's concurrent inspects use several). */
    static final int MAX_CONNECTIONS = 16;
    /** Longest wait for an answer; generous because a stop request only answers after its own stop timeout. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(3);

    private final URI endpoint;
    /** docker-java's client, for what is not a plain request here (exec, scratch containers); made on first use. */
    private DockerClient client;
    private final ZerodepDockerHttpClient http;
    /** What the engine is, from its first answer to a ping or version request. */
    private volatile EngineKind kind;
    private DockerClient streamClient;

    public DockerEngine(URI endpoint) {
        this.endpoint = endpoint;
        this.http = httpClient(endpoint, RESPONSE_TIMEOUT);
    }

    private synchronized DockerClient client() {
        if (client == null) {
            client = DockerClientImpl.getInstance(config(endpoint), http);
        }
        return client;
    }

    private static DockerClient newClient(URI endpoint, Duration responseTimeout) {
        return DockerClientImpl.getInstance(config(endpoint), httpClient(endpoint, responseTimeout));
    }

    private static DefaultDockerClientConfig config(URI endpoint) {
        return DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(endpoint.toString())
                .withDockerTlsVerify(false)
                .build();
    }

    private static ZerodepDockerHttpClient httpClient(URI endpoint, Duration responseTimeout) {
        ZerodepDockerHttpClient.Builder builder = new ZerodepDockerHttpClient.Builder()
                .dockerHost(endpoint)
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(responseTimeout)
                .maxConnections(MAX_CONNECTIONS);
        if ("unix".equals(endpoint.getScheme())) {
            // Without a TLS context of its own the client builds the system's default one, parsing every trusted
            // certificate of the JDK (a tenth of a second of CPU at each start), even for a unix socket.
            builder.sslConfig(NoTls::context);
        }
        return builder.build();
    }

    /**
     * The client for the event stream, made on first use (it is not on the way to recovery): the stream is idle for
     * long periods, so it has no response timeout, or it would end on a quiet host.
     */
    private synchronized DockerClient streamClient() {
        if (streamClient == null) {
            streamClient = newClient(endpoint, Duration.ZERO);
        }
        return streamClient;
    }

    /** Docker Engine or Podman (from its ping's headers, asked once; see {@link #identity()}). */
    public EngineKind kind() {
        if (kind == null) {
            identity();
        }
        return kind;
    }

    /**
     * Podman schedules healthchecks with systemd timers; on a host without systemd they never run and the status
     * stays {@code starting}. Its own API runs one on request, answers with that run's result and updates the status
     * the compatible API reports. Docker runs healthchecks itself: nothing to do there.
     */
    @Override
    public HealthProbe runHealthcheck(String id) {
        if (kind() != EngineKind.PODMAN) {
            return HealthProbe.NOT_RUN;
        }
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path("/v4.0.0/libpod/containers/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/healthcheck")
                .build();
        long t0 = System.nanoTime();
        try (DockerHttpClient.Response response = read(request)) {
            int code = response.getStatusCode();
            // 409: not running, or no healthcheck; 404: gone. The caller's inspection says which.
            HealthProbe result = code == 200 ? probeResult(response.getBody().readAllBytes()) : HealthProbe.NOT_RUN;
            log.debug("event=healthcheck_run container={} http_status={} result={} duration_ms={}", id, code, result,
                    millisSince(t0));
            return result;
        } catch (IOException e) {
            throw translate("read the healthcheck result of container " + id, new java.io.UncheckedIOException(e));
        } catch (RuntimeException e) {
            throw translate("run the healthcheck of container " + id, e);
        }
    }

    /**
     * Sends a request that changes nothing; again when it failed on a connection the engine had closed. The client
     * keeps connections to the engine open between requests, and an engine that restarted (dockerd after an upgrade,
     * Podman's service when its unit restarts) closed them: the next request on each fails with a broken pipe
     * without reaching the engine. Each such failure discards its connection, so there is at most one more try per
     * connection kept; a failure to connect (the engine is down) or a timeout is final at once.
     */
    private DockerHttpClient.Response read(DockerHttpClient.Request request) {
        for (int attempt = 1; ; attempt++) {
            try {
                return http.execute(request);
            } catch (RuntimeException e) {
                if (attempt > MAX_CONNECTIONS || !onClosedConnection(e)) {
                    throw e;
                }
                log.debug("event=engine_connection_closed endpoint={} path={} error=\"{}\" action=retry", endpoint,
                        request.path(), rootMessage(e));
            }
        }
    }

    /** An I/O failure on a connection that was open: neither a failure to connect nor a timeout. */
    static boolean onClosedConnection(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t instanceof IOException && !(t instanceof SocketException) && !(t instanceof InterruptedIOException);
    }

    /** Podman's answer: {@code {"Status":"healthy"|"unhealthy", ...}}, the result of this run. */
    static HealthProbe probeResult(byte[] body) throws IOException {
        String status = InspectMapper.read(body).path("Status").asText("");
        return status.equals("healthy") ? HealthProbe.PASSED : HealthProbe.FAILED;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String describe() {
        Version v = call("read the version", () -> client().versionCmd().exec());
        String product = "docker";
        String version = v.getVersion();
        if (v.getComponents() != null) {
            for (VersionComponent c : v.getComponents()) {
                String name = c.getName() == null ? "" : c.getName().toLowerCase(Locale.ROOT);
                if (name.contains("podman")) {
                    product = "podman";
                    version = c.getVersion();
                    break;
                }
            }
        }
        kind = product.equals("podman") ? EngineKind.PODMAN : EngineKind.DOCKER;
        return product + " " + version + " (API " + v.getApiVersion() + ") at " + endpoint;
    }

    /**
     * Pings the engine and says what it is: "podman 4.3.1 (API 1.41) at ENDPOINT" (see {@link #identity()}).
     *
     * @throws EngineException when the engine does not answer the ping with 200
     */
    public String identify() {
        return identity().describe() + " at " + endpoint;
    }

    /**
     * Pings the engine and reads what it is from the answer's headers ({@code Libpod-Api-Version} on Podman,
     * {@code Server: Docker/...} on Docker, {@code Api-Version} on both). The agent connects with this rather than
     * {@link #describe()}: Podman answers a version request by running its helper programs (about 0.8 s here), a ping
     * in a millisecond.
     *
     * @throws EngineException when the engine does not answer the ping with 200
     */
    public EngineIdentity identity() {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path("/_ping").build();
        try (DockerHttpClient.Response response = read(request)) {
            if (response.getStatusCode() != 200) {
                throw EngineException.refused("engine at " + endpoint + " answered the ping with HTTP "
                        + response.getStatusCode(), null);
            }
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            response.getHeaders().forEach((k, v) -> {
                if (k != null && v != null && !v.isEmpty()) {
                    headers.put(k, v.get(0));
                }
            });
            EngineIdentity identity = EngineIdentity.fromPingHeaders(headers);
            kind = identity.kind();
            return identity;
        } catch (RuntimeException e) {
            throw translate("ping", e);
        }
    }

    @Override
    public void ping() {
        identify();
    }

    /**
     * Whether containers keep running when the engine's daemon stops or restarts: Podman's always do (each runs under
     * its own {@code conmon}, not under the API service); Docker's only with live-restore ({@code GET /info}).
     * Without it, an engine restart stops every container, which looks like a stop by the user.
     */
    public boolean keepsContainersWhenItStops() {
        if (kind() == EngineKind.PODMAN) {
            return true;
        }
        return getJson("/info", "read the engine's settings")
                .map(info -> info.path("LiveRestoreEnabled").asBoolean(false)).orElse(false);
    }

    @Override
    public List<ContainerInfo> listContainers() {
        return list(c -> true);
    }

    /**
     * Straight from the list call, which shows state and exit code; a stopped container is inspected only when its
     * exit code cannot be read there or is 137, which an OOM kill (a crash) and a SIGKILL after a stop timeout (a stop)
     * share: only inspect tells them apart.
     */
    @Override
    public List<ContainerInfo> listContainerStates() {
        return list(c -> !InspectMapper.listedStatus(c).isUp() && InspectMapper.listedExitCode(c).orElse(137) == 137);
    }

    private List<ContainerInfo> list(java.util.function.Predicate<JsonNode> needsInspect) {
        JsonNode all = getJson("/containers/json?all=1", "list containers")
                .orElseThrow(() -> EngineException.refused("engine at " + endpoint + " has no container list", null));
        // Inspect concurrently (the client's connection pool bounds it): a host with many containers is listed in
        // the time of a few inspects, not the sum of all of them.
        List<ContainerInfo> result = new ArrayList<>(all.size());
        try (java.util.concurrent.ExecutorService inspects =
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Optional<ContainerInfo>>> pending = new ArrayList<>(all.size());
            for (JsonNode c : all) {
                pending.add(needsInspect.test(c) ? inspects.submit(() -> inspect(InspectMapper.id(c)))
                        : java.util.concurrent.CompletableFuture.completedFuture(Optional.of(InspectMapper.fromList(c))));
            }
            for (java.util.concurrent.Future<Optional<ContainerInfo>> f : pending) {
                // removed between list and inspect: it simply is not there any more
                f.get().ifPresent(result::add);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw translate("inspect containers", new IllegalStateException(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.unreachable("interrupted while listing containers at " + endpoint, e);
        }
        return result;
    }

    @Override
    public Optional<ContainerInfo> inspect(String idOrName) {
        return inspectJson(idOrName, "inspect container " + idOrName).map(InspectMapper::fromInspect);
    }

    private Optional<JsonNode> inspectJson(String idOrName, String what) {
        return getJson(containerPath(idOrName, "json"), what);
    }

    /**
     * A GET of the engine's API read as a JSON tree; empty when the engine answers 404. Any other answer than 2xx is
     * a refusal with the engine's own message.
     */
    private Optional<JsonNode> getJson(String path, String what) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path(path).build();
        long t0 = System.nanoTime();
        try (DockerHttpClient.Response response = read(request)) {
            int code = response.getStatusCode();
            log.debug("event=engine_read what=\"{}\" http_status={} duration_ms={}", what, code, millisSince(t0));
            if (code == 404) {
                return Optional.empty();
            }
            if (code / 100 != 2) {
                throw refusal(what, code, response);
            }
            return Optional.of(InspectMapper.read(response.getBody()));
        } catch (IOException e) {
            throw translate(what, new java.io.UncheckedIOException(e));
        } catch (RuntimeException e) {
            throw translate(what, e);
        }
    }

    @Override
    public void start(String id) {
        long t0 = System.nanoTime();
        if (post(containerPath(id, "start"), "start container " + id) == NOT_MODIFIED) {
            log.debug("event=container_already_running container={}", id);
        } else {
            log.info("event=container_started container={} duration_ms={} endpoint={}", id, millisSince(t0),
                    endpoint);
        }
    }

    @Override
    public void stop(String id, Duration timeout) {
        int seconds = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000));
        long t0 = System.nanoTime();
        if (post(containerPath(id, "stop") + "?t=" + seconds, "stop container " + id) == NOT_MODIFIED) {
            log.debug("event=container_already_stopped container={}", id);
        } else {
            log.info("event=container_stopped container={} timeout_s={} duration_ms={} endpoint={}", id, seconds,
                    millisSince(t0), endpoint);
        }
    }

    @Override
    public void remove(String id) {
        String what = "remove container " + id;
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.DELETE)
                .path("/containers/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "?v=false&force=false")
                .build();
        try (DockerHttpClient.Response response = http.execute(request)) {
            int code = response.getStatusCode();
            if (code == 404) {
                log.debug(KeyValues.line("event", "container_already_removed", "container", id));
                return;
            }
            if (code / 100 != 2) {
                throw refusal(what, code, response);
            }
            log.info(KeyValues.line("event", "container_removed", "container", id, "endpoint", endpoint));
        } catch (IOException e) {
            throw translate(what, new UncheckedIOException(e));
        } catch (RuntimeException e) {
            throw translate(what, e);
        }
    }

    @Override
    public void pause(String id) {
        if (stateOf(id) == ContainerStatus.PAUSED) {
            return;
        }
        post(containerPath(id, "pause"), "pause container " + id);
        log.info("event=container_paused container={} endpoint={}", id, endpoint);
    }

    @Override
    public void unpause(String id) {
        if (stateOf(id) != ContainerStatus.PAUSED) {
            return;
        }
        post(containerPath(id, "unpause"), "unpause container " + id);
        log.info("event=container_unpaused container={} endpoint={}", id, endpoint);
    }

    private static final int NOT_MODIFIED = 304;

    private static String containerPath(String idOrName, String action) {
        return "/containers/" + URLEncoder.encode(idOrName, StandardCharsets.UTF_8) + "/" + action;
    }

    /**
     * A POST without a body, as the state changes of a container are; returns the status, 2xx or 304 (already in
     * that state). Anything else is a refusal with the engine's own message (404: no such container).
     */
    private int post(String path, String what) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST).path(path).build();
        try (DockerHttpClient.Response response = http.execute(request)) {
            int code = response.getStatusCode();
            if (code / 100 == 2 || code == NOT_MODIFIED) {
                return code;
            }
            throw refusal(what, code, response);
        } catch (IOException e) {
            throw translate(what, new java.io.UncheckedIOException(e));
        } catch (RuntimeException e) {
            throw translate(what, e);
        }
    }

    private EngineException refusal(String what, int code, DockerHttpClient.Response response) throws IOException {
        byte[] bytes = response.getBody().readNBytes(4096);
        String body = new String(bytes, StandardCharsets.UTF_8);
        String message;
        try {
            message = InspectMapper.read(bytes).path("message").asText(body);
        } catch (IOException notJson) {
            message = body;
        }
        return EngineException.refused("engine at " + endpoint + " refused to " + what + ": HTTP " + code + " "
                + firstLine(message), null);
    }

    private ContainerStatus stateOf(String id) {
        return inspect(id).map(ContainerInfo::status)
                .orElseThrow(() -> EngineException.refused("no container " + id + " at " + endpoint, null));
    }

    /** At most this much of an exec's output is kept. */
    private static final int EXEC_OUTPUT_LIMIT = 64 * 1024;

    @Override
    public ExecResult exec(String id, List<String> argv, Duration timeout) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("exec in container " + id + ": empty command");
        }
        String execId;
        try {
            execId = client().execCreateCmd(id).withCmd(argv.toArray(String[]::new)).withAttachStdout(true)
                    .withAttachStderr(true).exec().getId();
        } catch (RuntimeException e) {
            throw translate("create exec " + argv.get(0) + " in container " + id, e);
        }
        StringBuilder output = new StringBuilder();
        boolean finished;
        try (com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame> callback =
                new com.github.dockerjava.api.async.ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Frame frame) {
                        synchronized (output) {
                            if (output.length() < EXEC_OUTPUT_LIMIT) {
                                output.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                            }
                        }
                    }
                }) {
            client().execStartCmd(execId).exec(callback);
            finished = callback.awaitCompletion(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.refused("interrupted while running " + argv.get(0) + " in container " + id, e);
        } catch (IOException | RuntimeException e) {
            throw translate("run " + argv.get(0) + " in container " + id, e instanceof RuntimeException r ? r
                    : new IllegalStateException(e));
        }
        String out;
        synchronized (output) {
            out = output.length() > EXEC_OUTPUT_LIMIT ? output.substring(0, EXEC_OUTPUT_LIMIT) : output.toString();
        }
        if (!finished) {
            log.warn("event=exec_timed_out container={} command={} timeout_ms={}", id, argv.get(0), timeout.toMillis());
            return new ExecResult(-1, out, true);
        }
        Long code = call("inspect exec " + execId, () -> client().inspectExecCmd(execId).exec().getExitCodeLong());
        return new ExecResult(code == null ? -1 : code.intValue(), out, false);
    }

    /** At most this much of a scratch container's output is kept: the end, where errors are. */
    static final int SCRATCH_OUTPUT_LIMIT = 64 * 1024;
    /** How long reading a finished scratch container's logs may take. */
    private static final Duration SCRATCH_LOGS_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Creates a labelled container (never grouped into a stack, see {@link ScratchContainer#LABEL}), without network
     * unless asked and without restart policy, starts it, waits at most the spec's timeout (then kills it), reads the
     * end of its output and removes it on every path.
     */
    @Override
    public ExecResult runScratch(ScratchContainer spec) {
        String name = ScratchContainer.NAME_PREFIX + java.util.HexFormat.of().toHexDigits(
                java.util.concurrent.ThreadLocalRandom.current().nextLong());
        long started = System.nanoTime();
        String id = createScratch(name, spec);
        try {
            try {
                client().startContainerCmd(id).exec();
            } catch (RuntimeException e) {
                throw translate("start scratch container " + name + " (image " + spec.image() + ")", e);
            }
            log.info("event=scratch_started container={} image={} network={} timeout_ms={}", name, spec.image(),
                    spec.network(), spec.timeout().toMillis());
            Integer code = awaitExit(id, name, spec.timeout());
            if (code == null) {
                kill(id, name);
            }
            String output = scratchOutput(id, name);
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            if (code == null) {
                log.warn("event=scratch_timed_out container={} image={} timeout_ms={} elapsed_ms={}", name,
                        spec.image(), spec.timeout().toMillis(), elapsedMs);
                return new ExecResult(-1, output, true);
            }
            log.info("event=scratch_finished container={} exit_code={} elapsed_ms={}", name, code, elapsedMs);
            return new ExecResult(code, output, false);
        } finally {
            removeScratch(id, name);
        }
    }

    private String createScratch(String name, ScratchContainer spec) {
        List<com.github.dockerjava.api.model.Bind> binds = spec.binds().stream()
                .map(b -> new com.github.dockerjava.api.model.Bind(b.source().toAbsolutePath().toString(),
                        new com.github.dockerjava.api.model.Volume(b.destination()),
                        b.readOnly() ? com.github.dockerjava.api.model.AccessMode.ro
                                : com.github.dockerjava.api.model.AccessMode.rw))
                .toList();
        com.github.dockerjava.api.model.HostConfig host = com.github.dockerjava.api.model.HostConfig.newHostConfig()
                .withBinds(binds)
                .withRestartPolicy(com.github.dockerjava.api.model.RestartPolicy.noRestart());
        if (!spec.network()) {
            host.withNetworkMode("none");
        }
        var create = client().createContainerCmd(spec.image())
                .withName(name)
                .withLabels(java.util.Map.of(ScratchContainer.LABEL, "true"))
                .withEnv(new java.util.TreeMap<>(spec.env()).entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).toList())
                .withHostConfig(host);
        if (!spec.argv().isEmpty()) {
            create.withCmd(spec.argv());
        }
        try {
            return create.exec().getId();
        } catch (NotFoundException e) {
            throw EngineException.refused("image " + spec.image() + " not found: cannot create scratch container "
                    + name + " at " + endpoint + " (" + firstLine(e.getMessage()) + ")", e);
        } catch (RuntimeException e) {
            throw translate("create scratch container " + name + " from image " + spec.image(), e);
        }
    }

    /** The container's exit code, or null when it still runs after {@code timeout}. */
    private Integer awaitExit(String id, String name, Duration timeout) {
        try (com.github.dockerjava.api.command.WaitContainerResultCallback wait =
                client().waitContainerCmd(id).exec(new com.github.dockerjava.api.command.WaitContainerResultCallback())) {
            if (!wait.awaitCompletion(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                return null;
            }
            return wait.awaitStatusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.refused("interrupted while waiting for scratch container " + name, e);
        } catch (IOException | RuntimeException e) {
            throw translate("wait for scratch container " + name, e instanceof RuntimeException r ? r
                    : new IllegalStateException(e));
        }
    }

    private void kill(String id, String name) {
        try {
            client().killContainerCmd(id).exec();
        } catch (NotModifiedException | com.github.dockerjava.api.exception.ConflictException e) {
            log.debug("event=scratch_kill_skipped container={} reason=\"{}\"", name, firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            throw translate("kill scratch container " + name + " after its timeout", e);
        }
        // the logs of a killed container are complete only once it has stopped
        try (com.github.dockerjava.api.command.WaitContainerResultCallback wait =
                client().waitContainerCmd(id).exec(new com.github.dockerjava.api.command.WaitContainerResultCallback())) {
            wait.awaitCompletion(SCRATCH_LOGS_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.refused("interrupted while killing scratch container " + name, e);
        } catch (IOException | RuntimeException e) {
            log.debug("event=scratch_kill_wait_failed container={} error=\"{}\"", name, e.toString());
        }
    }

    /** Stdout and stderr interleaved as the engine logged them, cut to the last {@link #SCRATCH_OUTPUT_LIMIT} chars. */
    private String scratchOutput(String id, String name) {
        StringBuilder output = new StringBuilder();
        try (com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame> callback =
                new com.github.dockerjava.api.async.ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Frame frame) {
                        synchronized (output) {
                            output.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                            if (output.length() > 2 * SCRATCH_OUTPUT_LIMIT) {
                                output.delete(0, output.length() - SCRATCH_OUTPUT_LIMIT);
                            }
                        }
                    }
                }) {
            client().logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false).exec(callback);
            if (!callback.awaitCompletion(SCRATCH_LOGS_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                log.warn("event=scratch_logs_incomplete container={} timeout_ms={}", name,
                        SCRATCH_LOGS_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.refused("interrupted while reading the output of scratch container " + name, e);
        } catch (IOException | RuntimeException e) {
            throw translate("read the output of scratch container " + name, e instanceof RuntimeException r ? r
                    : new IllegalStateException(e));
        }
        synchronized (output) {
            int from = Math.max(0, output.length() - SCRATCH_OUTPUT_LIMIT);
            return output.substring(from);
        }
    }

    /** Force-removes the container; runs even when the thread is interrupted, and never hides the first failure. */
    private void removeScratch(String id, String name) {
        boolean interrupted = Thread.interrupted();
        try {
            client().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            log.debug("event=scratch_removed container={}", name);
        } catch (NotFoundException e) {
            log.debug("event=scratch_already_removed container={}", name);
        } catch (RuntimeException e) {
            log.warn("event=scratch_remove_failed container={} error=\"{}\"", name, firstLine(e.getMessage()));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public List<DataMount> dataMounts(String id) {
        return inspectJson(id, "inspect the mounts of container " + id).map(InspectMapper::mounts)
                .orElseThrow(() -> EngineException.refused("engine at " + endpoint + " refused to inspect the mounts of "
                        + "container " + id + ": no such container", null));
    }

    @Override
    public EventSubscription subscribe(EngineEventListener listener) {
        EventStream stream = new EventStream(listener, endpoint);
        try {
            streamClient().eventsCmd().withEventTypeFilter("container").exec(stream);
        } catch (RuntimeException e) {
            stream.close();
            throw translate("subscribe to events", e);
        }
        stream.awaitStarted(CONNECT_TIMEOUT.plusSeconds(5));
        Throwable failed = stream.failure();
        if (failed != null) {
            throw translate("subscribe to events", failed instanceof RuntimeException re ? re : new RuntimeException(failed));
        }
        log.info("event=engine_events_subscribed endpoint={}", endpoint);
        return stream;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (client != null) {
                closeQuietly(client);
            } else {
                try {
                    http.close();
                } catch (IOException | RuntimeException e) {
                    log.debug("event=engine_client_close_failed error={}", e.toString());
                }
            }
        }
        synchronized (this) {
            if (streamClient != null) {
                closeQuietly(streamClient);
            }
        }
    }

    private <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw translate(what, e);
        }
    }

    /** API answers (4xx/5xx) are refusals; everything else means the engine did not answer. */
    EngineException translate(String what, RuntimeException e) {
        if (e instanceof EngineException ee) {
            return ee;
        }
        if (e instanceof DockerException de) {
            return EngineException.refused("engine at " + endpoint + " refused to " + what + ": HTTP "
                    + de.getHttpStatus() + " " + firstLine(de.getMessage()), e);
        }
        if (e instanceof DockerClientException) {
            return EngineException.refused("cannot " + what + " on " + endpoint + ": " + firstLine(e.getMessage()), e);
        }
        return EngineException.unreachable("engine at " + endpoint + " unreachable, cannot " + what + ": "
                + rootMessage(e), e);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + firstLine(msg));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String trimmed = s.strip();
        int nl = trimmed.indexOf('\n');
        return nl < 0 ? trimmed : trimmed.substring(0, nl);
    }

    private static void closeQuietly(DockerClient c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            log.debug("event=engine_client_close_failed error={}", e.toString());
        }
    }
}
