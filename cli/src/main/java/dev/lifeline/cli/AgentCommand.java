package dev.lifeline.cli;

import dev.lifeline.agent.Agent;
import dev.lifeline.agent.Warmup;
import dev.lifeline.agent.config.AgentConfig;
import dev.lifeline.agent.config.ConfigLoader;
import dev.lifeline.agent.journal.DataDirs;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", description = "Run the agent: recover stacks after a crash or reboot, then supervise them.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data dir (journal, lock, API token).")
    String dataDir;

    @Option(names = "--engine", paramLabel = "URI",
            description = "Engine endpoint, e.g. unix:///run/podman/podman.sock (default: discover).")
    String engine;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Local API address (default 127.0.0.1:7411).")
    String listen;

    @Option(names = "--control-plane", paramLabel = "URL",
            description = "Fleet control plane to report to, e.g. https://control.example:7420.")
    String controlPlane;

    @Option(names = "--join-token", paramLabel = "FILE",
            description = "The control plane's join token file (needed only to join, the first time).")
    String joinToken;

    /**
     * {@code agent} followed only by its own options, each at most once with a value ({@code --engine URI} or
     * {@code --engine=URI}), read without picocli; empty for anything else, which picocli then answers (help, usage
     * errors).
     */
    static Optional<AgentCommand> fromPlainArguments(String... args) {
        if (args.length == 0 || !args[0].equals("agent")) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return Optional.empty();
            }
            boolean known = name.equals("--config") || name.equals("--data-dir") || name.equals("--engine")
                    || name.equals("--listen") || name.equals("--control-plane") || name.equals("--join-token");
            if (!known || value.isEmpty() || value.startsWith("-") || values.putIfAbsent(name, value) != null) {
                return Optional.empty();
            }
        }
        AgentCommand command = new AgentCommand();
        command.config = Optional.ofNullable(values.get("--config")).map(Path::of).orElse(null);
        command.dataDir = values.get("--data-dir");
        command.engine = values.get("--engine");
        command.listen = values.get("--listen");
        command.controlPlane = values.get("--control-plane");
        command.joinToken = values.get("--join-token");
        return Optional.of(command);
    }

    @Override
    public Integer call() throws Exception {
        Warmup warmup = Warmup.begin();
        Map<String, String> flags = new LinkedHashMap<>();
        if (dataDir != null) {
            flags.put("data-dir", dataDir);
        }
        if (engine != null) {
            flags.put("engine", engine);
        }
        if (listen != null) {
            flags.put("api.listen", listen);
        }
        if (controlPlane != null) {
            flags.put("control-plane.url", controlPlane);
        }
        if (joinToken != null) {
            flags.put("control-plane.join-token-file", joinToken);
        }
        Map<String, String> env = System.getenv();
        Optional<Path> file = Optional.ofNullable(config)
                .or(() -> Optional.ofNullable(env.get("LIFELINE_CONFIG")).filter(s -> !s.isBlank()).map(Path::of));
        AgentConfig cfg = ConfigLoader.load(file, env, flags, DataDirs.resolve(Optional.empty()));
        warmup.awaitLogging();
        Agent agent = new Agent(cfg, env);
        // SIGTERM: record the clean shutdown, leave the apps running, release the journal and the lock.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.shutdown();
            agent.close();
        }, "shutdown"));
        try {
            agent.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Main.OK;
    }
}
