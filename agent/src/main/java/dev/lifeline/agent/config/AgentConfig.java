package dev.lifeline.agent.config;

import dev.lifeline.core.retry.RetryPolicy;
import dev.lifeline.core.supervise.PendingStops;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The agent's validated configuration. Built by {@link ConfigLoader} from defaults, a YAML file, the environment and
 * flags, in that order of precedence (last wins).
 *
 * @param dataDir     journal, lock, API address and token files
 * @param engine      explicit engine endpoint; empty = discover
 * @param listen      local API address (loopback by default)
 * @param stopTimeout how long a container gets between SIGTERM and SIGKILL when Lifeline stops it
 * @param bootIdFile  where the host's boot id is read (a reboot changes it)
 */
public record AgentConfig(
        Path dataDir,
        Optional<String> engine,
        InetSocketAddress listen,
        Recovery recovery,
        Supervision supervision,
        Duration stopTimeout,
        Path bootIdFile) {

    /**
     * @param parallelism stacks of one boot level started at once
     * @param settleTime  how long a container without a healthcheck must stay running to count as ready
     * @param retry       attempts per stack start, backoff between them, and the per-attempt timeout
     */
    public record Recovery(int parallelism, Duration settleTime, RetryPolicy retry) {}

    /**
     * @param resyncInterval  how often the engine's full state is compared with the journal (events fill the gaps)
     * @param crashLoopInitial first restart delay of a crashing stack, doubled per crash
     * @param crashLoopMax    cap on that delay
     * @param crashLoopReset  time up after which the delay starts over
     * @param userStops       how stops from outside Lifeline become the user's intent
     */
    public record Supervision(Duration resyncInterval, Duration crashLoopInitial, Duration crashLoopMax,
            Duration crashLoopReset, PendingStops.Timing userStops) {}

    public Path journalFile() {
        return dataDir.resolve("journal.db");
    }

    public Path tokenFile() {
        return dataDir.resolve("api.token");
    }

    public Path addressFile() {
        return dataDir.resolve("agent.address");
    }
}
