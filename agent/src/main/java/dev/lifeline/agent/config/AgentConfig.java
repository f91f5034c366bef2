package dev.lifeline.agent.config;

import dev.lifeline.core.retry.RetryPolicy;
import dev.lifeline.core.supervise.PendingStops;
import java.net.InetSocketAddress;
import java.net.URI;
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
 * @param controlPlane the fleet control plane this agent reports to; empty = none (the agent works alone)
 */
public record AgentConfig(
        Path dataDir,
        Optional<String> engine,
        InetSocketAddress listen,
        Recovery recovery,
        Supervision supervision,
        Duration stopTimeout,
        Path bootIdFile,
        Backup backup,
        Optional<ControlPlane> controlPlane) {

    /**
     * @param url               the control plane's base URL (https, or http to a loopback address unless
     *                          {@code allowInsecure})
     * @param joinTokenFile     the one-time join token, read at the first start (never logged); not needed once the
     *                          agent has joined
     * @param heartbeatInterval how often the stack report is pushed until the control plane says otherwise
     * @param caFile            PEM certificates to trust for the control plane's TLS (else the JDK's own)
     * @param allowInsecure     plain http to a host that is not loopback is allowed
     */
    public record ControlPlane(URI url, Optional<Path> joinTokenFile, Duration heartbeatInterval,
            Optional<Path> caFile, boolean allowInsecure, Optional<String> hostName) {}

    /**
     * @param repository        restic repository (any restic location; a local directory by default)
     * @param passwordFile      file holding the repository password (0600)
     * @param createPassword    the password file is Lifeline's default one, created with a random password if missing
     * @param resticBinary      the restic program
     * @param resticNice        uploads after an early resume run restic under {@code nice -n} this (0 to 19; 0 = the
     *                          agent's priority), so that they yield the CPU to the apps starting again
     * @param host              the host name recorded in snapshots; empty = the machine's name
     * @param maxQuiesce        the longest any stack stays quiesced (label {@code lifeline.max-quiesce} lowers it)
     * @param hookTimeout       how long a quiesce prepare, pre or post hook may run
     * @param flushTimeout      how long the flush of the data's filesystems before the quiesce may run; zero turns
     *                          it off (the snapshot then writes back every dirty byte inside the downtime)
     * @param schedule          when every stack is backed up (label {@code lifeline.backup.schedule} overrides it)
     * @param dueWindow         a scheduled time missed by more than this (agent down) is skipped, not caught up
     * @param retryDelay        a failed backup is due again after this
     * @param keep              retention applied after each successful job (per stack and data path)
     * @param pruneEvery        how often unreferenced data is pruned (after a successful job)
     * @param stagingBudget     the most a staging copy may use (bytes); 0 disables staging copies
     * @param verifyTimeout     how long a verify command may run in its scratch container
     */
    public record Backup(String repository, Path passwordFile, boolean createPassword, String resticBinary,
            int resticNice, Optional<String> host, Duration maxQuiesce, Duration hookTimeout, Duration flushTimeout,
            Optional<dev.lifeline.core.backup.CronSchedule> schedule, Duration dueWindow, Duration retryDelay,
            dev.lifeline.core.repository.RetentionRules keep, Duration pruneEvery, long stagingBudget,
            Duration verifyTimeout) {}

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

    /** The host id and host token the control plane gave this agent when it joined (0600). */
    public Path controlPlaneCredentialsFile() {
        return dataDir.resolve("control-plane.json");
    }
}
