package dev.lifeline.cli;

import dev.lifeline.agent.Agent;
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

    @Override
    public Integer call() throws Exception {
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
        Map<String, String> env = System.getenv();
        Optional<Path> file = Optional.ofNullable(config)
                .or(() -> Optional.ofNullable(env.get("LIFELINE_CONFIG")).filter(s -> !s.isBlank()).map(Path::of));
        AgentConfig cfg = ConfigLoader.load(file, env, flags, DataDirs.resolve(Optional.empty()));
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
