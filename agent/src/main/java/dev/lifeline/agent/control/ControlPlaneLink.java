package dev.lifeline.agent.control;

import dev.lifeline.agent.config.AgentConfig;
import dev.lifeline.agent.config.ConfigException;
import dev.lifeline.core.fleet.wire.CommandResult;
import dev.lifeline.core.fleet.wire.Heartbeat;
import dev.lifeline.core.fleet.wire.HeartbeatResponse;
import dev.lifeline.core.fleet.wire.PendingCommands;
import dev.lifeline.core.fleet.wire.RegisterRequest;
import dev.lifeline.core.fleet.wire.RegisterResponse;
import dev.lifeline.core.fleet.wire.ReportedStack;
import dev.lifeline.core.journal.CommandEntry;
import dev.lifeline.core.journal.CommandLedger;
import dev.lifeline.core.log.KeyValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's link to the fleet control plane, on two threads of its own (the agent's own work never waits on it):
 * <ul>
 *   <li>the heartbeat loop joins the control plane the first time (the join token file is read, never logged; the
 *       host token is kept 0600 in the data dir), then pushes the full stack report with the results not yet
 *       acknowledged every interval (jittered ±10%, backing off while the control plane is unreachable), and takes
 *       the commands of each answer;
 *   <li>the long-poll beside it asks for new commands and waits, so a user's command arrives within a second.
 * </ul>
 * Both hand commands to the {@link CommandApplier}, which applies each id at most once.
 */
public final class ControlPlaneLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneLink.class);
    static final Duration LONG_POLL_WAIT = Duration.ofSeconds(25);
    private static final Duration REFUSED_RETRY = Duration.ofMinutes(5);
    private static final Duration MIN_BEAT_GAP = Duration.ofSeconds(1);
    private static final int RESULTS_PER_BEAT = 500;
    /** At most this many unacknowledged results are named in a long-poll (the control plane takes 200 ids). */
    private static final int KNOWN_RESULTS = 150;

    /** How the link is doing, for health and tests. */
    public record Health(Optional<String> hostId, Instant lastHeartbeat, int failuresInARow, long heartbeatsSent) {}

    private final AgentConfig.ControlPlane config;
    private final Path credentialsFile;
    private final ControlPlaneClient client;
    private final Supplier<List<ReportedStack>> report;
    private final CommandApplier applier;
    private final CommandLedger ledger;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final String hostname;
    private final String agentVersion;
    private final CompletableFuture<HostCredentials> joined = new CompletableFuture<>();
    private final LinkedBlockingQueue<Boolean> nudges = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread heartbeats;
    private final Thread longPoll;
    private volatile Instant lastHeartbeat = Instant.EPOCH;
    private volatile int failuresInARow;
    private volatile long heartbeatsSent;

    public ControlPlaneLink(AgentConfig.ControlPlane config, Path credentialsFile, ControlPlaneClient client,
            Supplier<List<ReportedStack>> report, CommandApplier applier, CommandLedger ledger, InstantSource clock,
            RandomGenerator random, String hostname, String agentVersion) {
        this.config = config;
        this.credentialsFile = credentialsFile;
        this.client = client;
        this.report = report;
        this.applier = applier;
        this.ledger = ledger;
        this.clock = clock;
        this.random = random;
        this.hostname = hostname;
        this.agentVersion = agentVersion;
        this.heartbeats = Thread.ofPlatform().daemon().name("control-heartbeat").unstarted(this::heartbeatLoop);
        this.longPoll = Thread.ofPlatform().daemon().name("control-long-poll").unstarted(this::longPollLoop);
    }

    /**
     * Fails (a configuration error) when the agent has not joined this control plane and has no readable join token
     * to join with: found at start rather than retried forever in the background.
     */
    public static void requireJoinable(AgentConfig.ControlPlane config, Path credentialsFile) {
        Optional<HostCredentials> saved = HostCredentials.load(credentialsFile);
        if (saved.isPresent() && saved.get().controlPlane().equals(config.url().toString())) {
            return;
        }
        Path token = config.joinTokenFile().orElseThrow(() -> new ConfigException("control-plane.url is "
                + config.url() + " but this agent has not joined it yet: pass the join token file the control plane"
                + " wrote (--join-token FILE, or control-plane.join-token-file)"));
        if (!Files.isReadable(token)) {
            throw new ConfigException("control-plane.join-token-file: cannot read '" + token + "'; check the path and"
                    + " that this user may read it");
        }
    }

    public void start() {
        heartbeats.start();
        longPoll.start();
    }

    /** A result is ready: the next heartbeat goes now (at most one a second), not at the end of the interval. */
    public void beatSoon() {
        nudges.offer(Boolean.TRUE);
    }

    public Health health() {
        return new Health(joined.isDone() && !joined.isCompletedExceptionally()
                ? Optional.of(joined.join().hostId()) : Optional.empty(), lastHeartbeat, failuresInARow,
                heartbeatsSent);
    }

    // ---- heartbeats ---------------------------------------------------------------------------------------------

    private void heartbeatLoop() {
        try {
            HostCredentials credentials = join();
            joined.complete(credentials);
            Duration interval = config.heartbeatInterval();
            long sequence = 0;
            while (closed.getCount() > 0) {
                try {
                    HeartbeatResponse answer = beat(credentials, sequence++);
                    if (answer.heartbeatIntervalMs() > 0) {
                        interval = clamp(Duration.ofMillis(answer.heartbeatIntervalMs()));
                    }
                    failuresInARow = 0;
                } catch (ControlPlaneException e) {
                    failed("heartbeat_failed", e);
                } catch (RuntimeException e) {
                    failuresInARow++;
                    LOG.warn(KeyValues.line("event", "heartbeat_skipped", "reason", "the stack report cannot be made",
                            "error", e.getMessage()));
                }
                awaitNextBeat(HeartbeatSchedule.next(interval, failuresInARow, random.nextDouble()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HeartbeatResponse beat(HostCredentials credentials, long sequence) {
        List<ReportedStack> stacks = report.get();
        List<CommandResult> results = ledger.unacknowledged(RESULTS_PER_BEAT).stream()
                .map(ControlPlaneLink::result).toList();
        HeartbeatResponse answer = client.heartbeat(credentials.hostToken(),
                new Heartbeat(sequence, agentVersion, stacks, results));
        lastHeartbeat = clock.instant();
        heartbeatsSent++;
        if (failuresInARow > 0) {
            LOG.info(KeyValues.line("event", "control_plane_reachable", "after_failures", failuresInARow));
        }
        ledger.acknowledge(answer.acknowledgedResults(), clock.instant());
        applier.offer(answer.commands());
        return answer;
    }

    private void awaitNextBeat(Duration delay) throws InterruptedException {
        Instant due = clock.instant().plus(delay);
        Instant earliest = lastHeartbeat.plus(MIN_BEAT_GAP);
        while (true) {
            Duration left = Duration.between(clock.instant(), due);
            if (left.isNegative() || left.isZero() || !nudgedOrClosed(left)) {
                return;
            }
            if (closed.getCount() == 0) {
                return;
            }
            nudges.clear();
            // a nudge: go at once, but not sooner than a second after the last heartbeat
            due = earliest.isAfter(clock.instant()) ? earliest : clock.instant();
        }
    }

    /** Waits up to {@code wait}; true when a nudge (or the close) came first. */
    private boolean nudgedOrClosed(Duration wait) throws InterruptedException {
        return nudges.poll(wait.toNanos(), TimeUnit.NANOSECONDS) != null;
    }

    private static CommandResult result(CommandEntry e) {
        return new CommandResult(e.id(), e.ok(), e.error());
    }

    private static Duration clamp(Duration interval) {
        Duration min = Duration.ofSeconds(1);
        Duration max = Duration.ofHours(1);
        return interval.compareTo(min) < 0 ? min : interval.compareTo(max) > 0 ? max : interval;
    }

    // ---- joining ------------------------------------------------------------------------------------------------

    private HostCredentials join() throws InterruptedException {
        String url = config.url().toString();
        int attempts = 0;
        while (true) {
            Optional<HostCredentials> saved = HostCredentials.load(credentialsFile);
            if (saved.isPresent() && saved.get().controlPlane().equals(url)) {
                LOG.info(KeyValues.line("event", "control_plane_joined", "host", saved.get().hostId(),
                        "control_plane", url, "new", false));
                return saved.get();
            }
            if (saved.isPresent() && attempts == 0) {
                LOG.warn(KeyValues.line("event", "control_plane_changed", "joined", saved.get().controlPlane(),
                        "configured", url, "action", "joining the configured one with the join token"));
            }
            Duration retry;
            try {
                String token = readJoinToken();
                RegisterResponse answer = client.register(new RegisterRequest(token, hostname, agentVersion));
                HostCredentials credentials = new HostCredentials(url, answer.hostId(), answer.hostToken());
                credentials.save(credentialsFile);
                LOG.info(KeyValues.line("event", "control_plane_joined", "host", answer.hostId(), "control_plane",
                        url, "new", true));
                return credentials;
            } catch (ControlPlaneException e) {
                attempts++;
                retry = e.kind() == ControlPlaneException.Kind.UNREACHABLE
                        ? HeartbeatSchedule.next(config.heartbeatInterval(), attempts, random.nextDouble())
                        : REFUSED_RETRY;
                LOG.warn(KeyValues.line("event", "control_plane_join_failed", "attempt", attempts, "retry_in_ms",
                        retry.toMillis(), "error", e.getMessage()));
            } catch (IOException | RuntimeException e) {
                attempts++;
                retry = REFUSED_RETRY;
                LOG.error(KeyValues.line("event", "control_plane_join_failed", "attempt", attempts, "retry_in_ms",
                        retry.toMillis(), "error", e.getMessage()));
            }
            if (closed.await(retry.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new InterruptedException("closed");
            }
        }
    }

    private String readJoinToken() throws IOException {
        Path file = config.joinTokenFile().orElseThrow(() -> new IOException("no join token file is configured"
                + " (--join-token FILE)"));
        String token = Files.readString(file).strip();
        if (token.isEmpty()) {
            throw new IOException("the join token file " + file + " is empty");
        }
        return token;
    }

    // ---- long-poll ----------------------------------------------------------------------------------------------

    private void longPollLoop() {
        try {
            HostCredentials credentials = joined.get();
            int failures = 0;
            while (closed.getCount() > 0) {
                if (!applier.accepting()) {
                    // recovery comes first; the heartbeat delivers what is queued meanwhile
                    closed.await(1, TimeUnit.SECONDS);
                    continue;
                }
                try {
                    PendingCommands pending = client.awaitCommands(credentials.hostToken(), LONG_POLL_WAIT, known());
                    applier.offer(pending.commands());
                    failures = 0;
                } catch (ControlPlaneException e) {
                    failures++;
                    Duration retry = HeartbeatSchedule.next(config.heartbeatInterval(), failures, random.nextDouble());
                    LOG.debug(KeyValues.line("event", "long_poll_failed", "retry_in_ms", retry.toMillis(), "error",
                            e.getMessage()));
                    closed.await(retry.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException | ExecutionException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The commands this agent has: being applied, or finished with the result not yet acknowledged. */
    private Set<String> known() {
        Set<String> known = new LinkedHashSet<>(applier.inFlight());
        ledger.unacknowledged(KNOWN_RESULTS).forEach(e -> known.add(e.id()));
        return known;
    }

    private void failed(String event, ControlPlaneException e) {
        failuresInARow++;
        String hint = e.kind() == ControlPlaneException.Kind.UNAUTHORIZED ? "the host token was refused (revoked, or"
                + " the host was deleted): move " + credentialsFile + " aside and start the agent with a new join"
                + " token" : "";
        if (failuresInARow == 1 || failuresInARow % 10 == 0 || !hint.isEmpty()) {
            LOG.warn(KeyValues.line("event", event, "failures_in_a_row", failuresInARow, "error", e.getMessage(),
                    "hint", hint));
        }
    }

    @Override
    public void close() {
        closed.countDown();
        nudges.offer(Boolean.TRUE);
        joined.completeExceptionally(new InterruptedException("closed"));
        heartbeats.interrupt();
        longPoll.interrupt();
        for (Thread t : List.of(heartbeats, longPoll)) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
