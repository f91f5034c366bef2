package dev.lifeline.cli;

import dev.lifeline.control.ControlPlane;
import dev.lifeline.control.config.ControlConfig;
import dev.lifeline.control.config.ControlConfigLoader;
import dev.lifeline.control.config.ControlDataDir;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "control", subcommands = JoinTokenCommand.class,
        description = {"Run the fleet control plane: agents' heartbeats, the host monitor, the API, the dashboard.",
                "Every option can also be set as LIFELINE_CONTROL_<OPTION> (LIFELINE_CONTROL_HEARTBEAT_INTERVAL=10s)."})
final class ControlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Token files, control.address and the embedded "
            + "PostgreSQL (default /var/lib/lifeline-control as root, ~/.local/share/lifeline-control otherwise).")
    String dataDir;

    @Option(names = "--db", paramLabel = "URL", description = "postgresql://USER:PASSWORD@HOST[:PORT][,HOST2]/DB "
            + "(default: an embedded PostgreSQL in DATA_DIR/postgres). Prefer the environment for the password.")
    String db;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Default 127.0.0.1:7420.")
    String listen;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain for HTTPS.")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Its private key (unencrypted, 0600).")
    String tlsKey;

    @Option(names = "--allow-insecure", description = "Serve plain HTTP on a non-loopback address.")
    boolean allowInsecure;

    @Option(names = "--heartbeat-interval", paramLabel = "D", description = "Asked of agents (default 30s).")
    String heartbeatInterval;

    @Option(names = "--unreachable-after", paramLabel = "D",
            description = "Silence that makes a host unreachable (default 3 heartbeat intervals).")
    String unreachableAfter;

    @Option(names = "--monitor-interval", paramLabel = "D", description = "Between monitor passes (default 10s).")
    String monitorInterval;

    @Option(names = "--transient-grace", paramLabel = "D",
            description = "How long a starting/stopping/... workload may be absent before it is settled (default 2m).")
    String transientGrace;

    @Option(names = "--snapshot-grace", paramLabel = "D",
            description = "How long a snapshotting workload keeps that status (default 15m).")
    String snapshotGrace;

    @Option(names = "--failover-grace", paramLabel = "D",
            description = "After a start or a lease take-over, silence counts only after this (default: the threshold).")
    String failoverGrace;

    @Option(names = "--mass-silence-share", paramLabel = "X",
            description = "Share of hosts going silent at once that holds every destructive step (default 0.5).")
    String massSilenceShare;

    @Override
    public Integer call() throws InterruptedException {
        ControlConfig config = ControlConfigLoader.load(flags(), System.getenv(), ControlDataDir.byDefault());
        ControlPlane plane = ControlPlane.start(config, ControlPlane.fleetParts(), InstantSource.system());
        System.err.println("lifeline control: serving " + plane.url() + " (dashboard at /); the operator's token is "
                + config.dataDir().resolve("admin.token") + ", an agent's join token "
                + config.dataDir().resolve("join.token"));
        CountDownLatch forever = new CountDownLatch(1);
        // SIGTERM: stop the monitor, the server and the database in order; the JVM exits when this hook returns
        Runtime.getRuntime().addShutdownHook(new Thread(plane::close, "shutdown"));
        forever.await();
        return Main.OK;
    }

    /** The options given, by the loader's key (the long name without its dashes). */
    private Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            String key = option.longestName().substring(2);
            if (ControlConfigLoader.DEFAULTS.containsKey(key)) {
                Object value = option.getValue();
                flags.put(key, String.valueOf(value));
            }
        }
        return flags;
    }
}
