package dev.lifeline.cli;

import dev.lifeline.agent.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lifeline}: the front door. Exit codes: 0 ok, 1 operation failed, 2 bad usage or configuration. */
@Command(name = "lifeline", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Crash-safe lifecycle supervisor for container app stacks on Docker and Podman hosts.",
        subcommands = {AgentCommand.class, StacksCommand.class, StopCommand.class, StartCommand.class,
                RecoverCommand.class, EventsCommand.class, BackupCommand.class, RestoreCommand.class,
                DoctorCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> e instanceof ConfigException || e instanceof IllegalArgumentException
                ? USAGE : FAILED);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("lifeline: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return e instanceof ConfigException || e instanceof IllegalArgumentException ? USAGE : FAILED;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("lifeline: " + e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return USAGE;
        });
        return cli.execute(args);
    }
}
