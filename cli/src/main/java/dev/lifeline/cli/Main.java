package dev.lifeline.cli;

import dev.lifeline.agent.config.ConfigException;
import dev.lifeline.control.config.ControlConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lifeline}: the front door. Exit codes: 0 ok, 1 operation failed, 2 bad usage or configuration. */
@Command(name = "lifeline", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Version.class,
        description = "Crash-safe lifecycle supervisor for container app stacks on Docker and Podman hosts.",
        subcommands = {AgentCommand.class, StacksCommand.class, StopCommand.class, StartCommand.class,
                RecoverCommand.class, EventsCommand.class, BackupCommand.class, RestoreCommand.class,
                DoctorCommand.class, DemoCommand.class, ControlCommand.class, HostsCommand.class,
                WorkloadsCommand.class, AuditCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        java.util.Optional<AgentCommand> agent = AgentCommand.fromPlainArguments(args);
        if (agent.isPresent()) {
            // The agent's start is on the way to every recovery, and picocli is compiled for Java 5: the JVM can
            // neither keep its classes in the class archive nor verify them quickly (a third of a second at every
            // start, measured). Plain agent options skip it; anything else (help, a typo) goes through it.
            try {
                return agent.get().call();
            } catch (Exception e) {
                return failed(e, new java.io.PrintWriter(System.err, true));
            }
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExitCodeExceptionMapper(e -> usage(e) ? USAGE : FAILED);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> failed(e, cmd.getErr()));
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("lifeline: " + e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return USAGE;
        });
        return cli.execute(args);
    }

    /** A command that failed: its message on standard error, exit 2 for bad configuration or usage, else 1. */
    private static int failed(Exception e, java.io.PrintWriter err) {
        err.println("lifeline: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        return usage(e) ? USAGE : FAILED;
    }

    /** Bad usage or configuration (exit 2), as opposed to an operation that failed (exit 1). */
    private static boolean usage(Throwable e) {
        return e instanceof ConfigException || e instanceof ControlConfigException
                || e instanceof IllegalArgumentException;
    }
}
