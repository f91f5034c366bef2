package dev.lifeline.agent.engine;

import dev.lifeline.core.engine.EngineException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the container engine's API endpoint: the explicit one ({@code --engine} / {@code LIFELINE_ENGINE}) alone when
 * given, otherwise {@code DOCKER_HOST}, Docker's socket, Podman's root socket, then Podman's rootless socket.
 */
public final class EngineLocator {
    private static final Logger log = LoggerFactory.getLogger(EngineLocator.class);
    public static final List<URI> WELL_KNOWN = List.of(
            URI.create("unix:///var/run/docker.sock"),
            URI.create("unix:///run/podman/podman.sock"));

    private final Map<String, String> env;
    private final List<URI> wellKnown;
    private final Duration probeTimeout;

    /** @param env the process environment (only DOCKER_HOST and XDG_RUNTIME_DIR are read) */
    public EngineLocator(Map<String, String> env) {
        this(env, WELL_KNOWN, Duration.ofSeconds(3));
    }

    /** For tests: other well-known sockets and probe timeout. */
    public EngineLocator(Map<String, String> env, List<URI> wellKnown, Duration probeTimeout) {
        this.env = Map.copyOf(env);
        this.wellKnown = List.copyOf(wellKnown);
        this.probeTimeout = probeTimeout;
    }

    /** One place we looked and why it did not answer. */
    public record Attempt(String endpoint, String source, String problem) {
        @Override
        public String toString() {
            return endpoint + " (" + source + "): " + problem;
        }
    }

    /** The endpoint that answered and where it came from. */
    public record Located(URI endpoint, String source) {}

    /** The candidates in order, with their source; the explicit value alone when given. */
    public List<Candidate> candidates(Optional<String> explicit) {
        List<Candidate> out = new ArrayList<>();
        if (explicit.isPresent() && !explicit.get().isBlank()) {
            out.add(new Candidate(explicit.get().strip(), "--engine/LIFELINE_ENGINE"));
            return out;
        }
        String dockerHost = env.get("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            out.add(new Candidate(dockerHost.strip(), "DOCKER_HOST"));
        }
        for (URI uri : wellKnown) {
            out.add(new Candidate(uri.toString(), "default"));
        }
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            out.add(new Candidate("unix://" + xdg.strip() + "/podman/podman.sock", "XDG_RUNTIME_DIR"));
        }
        return out;
    }

    public record Candidate(String value, String source) {}

    /** The first candidate that answers a ping; otherwise an unreachable EngineException listing every attempt. */
    public Located locate(Optional<String> explicit) {
        List<Attempt> attempts = new ArrayList<>();
        for (Candidate c : candidates(explicit)) {
            Optional<URI> uri = parse(c.value());
            Optional<String> problem = uri.isEmpty()
                    ? Optional.of("not an endpoint (expected unix:///PATH, /PATH or tcp://HOST:PORT)")
                    : EngineProbe.problem(uri.get(), probeTimeout);
            if (problem.isEmpty()) {
                log.info("event=engine_located endpoint={} source={} failed_attempts={}",
                        uri.get(), c.source(), attempts.size());
                return new Located(uri.get(), c.source());
            }
            attempts.add(new Attempt(uri.map(URI::toString).orElse(c.value()), c.source(), problem.get()));
        }
        throw EngineException.unreachable(message(attempts, explicit.isPresent() && !explicit.get().isBlank()), null);
    }

    static Optional<URI> parse(String value) {
        String v = value.strip();
        if (v.startsWith("/")) {
            v = "unix://" + v;
        }
        try {
            URI uri = new URI(v);
            if ("unix".equalsIgnoreCase(uri.getScheme()) && (uri.getPath() == null || uri.getPath().isEmpty())) {
                return Optional.empty();
            }
            if (uri.getScheme() == null) {
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String message(List<Attempt> attempts, boolean explicit) {
        StringBuilder sb = new StringBuilder(explicit
                ? "the container engine given with --engine/LIFELINE_ENGINE does not answer:"
                : "no container engine answers; tried:");
        for (Attempt a : attempts) {
            sb.append("\n  ").append(a);
        }
        sb.append(explicit
                ? "\nCheck that the engine runs and that this is its API socket, or unset LIFELINE_ENGINE to search."
                : "\nStart Podman's API service (systemctl enable --now podman.socket, or "
                        + "podman system service --time=0 unix:///run/podman/podman.sock &), start Docker, "
                        + "or set LIFELINE_ENGINE (--engine) to the engine's socket.");
        return sb.toString();
    }
}
