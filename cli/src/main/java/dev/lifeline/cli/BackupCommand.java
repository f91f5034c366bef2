package dev.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeline.cli.backup.BackupModel;
import dev.lifeline.cli.backup.BackupView;
import dev.lifeline.cli.backup.ProgressBar;
import dev.lifeline.core.model.StackName;
import java.io.Console;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeline backup ...}: start and follow backup jobs, list snapshots and jobs, test restores. */
@Command(name = "backup", description = "Back up stacks into the backup repository, follow jobs, list snapshots, "
        + "test restores.",
        subcommands = {BackupCommand.Now.class, BackupCommand.Status.class, BackupCommand.ListSnapshots.class,
                BackupCommand.Jobs.class, BackupCommand.DueStacks.class, BackupCommand.Verify.class,
                picocli.CommandLine.HelpCommand.class})
final class BackupCommand {
    /** Calls that copy or restore data answer when they are finished: give them hours, not seconds. */
    static final Duration LONG_CALL = Duration.ofHours(2);
    /** Calls that only start or look something up. */
    static final Duration SHORT_CALL = Duration.ofSeconds(30);

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show the backup commands.")
    boolean help;

    private BackupCommand() {}

    /**
     * Reports an error answer of the agent on one line and gives the exit code: 2 for a request the agent calls
     * malformed (400) or a name it does not know (404: a stack or job; bad usage, as for start and stop), 1 for
     * everything else (running stack 409, no space 507, ...).
     */
    static int failed(AgentClient.Reply reply, String what) {
        System.err.println("lifeline: " + (what == null ? "" : what + ": ") + reply.error());
        return reply.status() == 400 || reply.status() == 404 ? Main.USAGE : Main.FAILED;
    }

    /** Turns an agent answer into the text a person reads. */
    @FunctionalInterface
    interface Render {
        String render(com.fasterxml.jackson.databind.ObjectMapper mapper, com.fasterxml.jackson.databind.JsonNode body);
    }

    /** GETs {@code path} and prints the answer: as JSON with {@code --json}, else rendered. */
    static int show(DataDirOption dataDir, String path, String what, boolean json, Render render) {
        AgentClient client = AgentClient.forDataDir(dataDir.resolve());
        AgentClient.Reply reply = client.get(path);
        if (!reply.ok()) {
            return failed(reply, what);
        }
        System.out.print(json ? reply.body().toPrettyString() + "\n" : render.render(client.json(), reply.body()));
        return Main.OK;
    }

    /** Null when every name is valid, else the exit code after saying which one is not. */
    static Integer invalidStack(List<String> stacks) {
        for (String s : stacks) {
            if (!StackName.isValid(s)) {
                System.err.println("lifeline: '" + s + "' is not a valid stack name");
                return Main.USAGE;
            }
        }
        return null;
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static <T> T read(ObjectMapper json, JsonNode node, Class<T> type) {
        try {
            return json.treeToValue(node, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("the agent's answer is not what this CLI expects (" + e.getMessage().lines().findFirst().orElse("")
                    + "); are the CLI and agent versions the same?");
        }
    }

    static <T> List<T> readList(ObjectMapper json, JsonNode array, Class<T> type) {
        List<T> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> out.add(read(json, n, type)));
        }
        return out;
    }

    /** An interactive terminal: {@code System.console()} exists and (on JDK 22+) is a terminal. */
    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // before JDK 22 a console exists only on a terminal
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    @Command(name = "now", description = "Back up the named stacks now (none named: every running, unprotected "
            + "stack). Starts a job; --wait follows it to the end.")
    static final class Now implements Callable<Integer> {
        /** How many polls in a row may find the agent unreachable (it may be restarting) before giving up. */
        static final int MISSES_ALLOWED = 20;

        @Mixin
        DataDirOption dataDir;

        @Parameters(paramLabel = "STACK", arity = "0..*", description = "Stacks to back up (default: all running).")
        List<String> stacks = new ArrayList<>();

        @Option(names = "--wait", description = "Follow the job until it is done or failed; exit 1 if it failed.")
        boolean waitForJob;

        @Option(names = "--json", description = "Print JSON for scripts (with --wait: only the final job record).")
        boolean json;

        @Option(names = "--poll-interval", hidden = true, defaultValue = "500", paramLabel = "MS")
        long pollMillis;

        @Override
        public Integer call() throws InterruptedException {
            Integer bad = invalidStack(stacks);
            if (bad != null) {
                return bad;
            }
            AgentClient client = AgentClient.forDataDir(dataDir.resolve());
            ObjectNode body = client.json().createObjectNode();
            ArrayNode names = body.putArray("stacks");
            stacks.forEach(names::add);
            AgentClient.Reply reply = client.post("/backup", body, SHORT_CALL);
            if (!reply.ok()) {
                return failed(reply, "backup");
            }
            String id = reply.body().path("job").asText();
            if (id.isEmpty()) {
                throw new IllegalStateException("the agent started a backup but named no job: " + reply.body());
            }
            if (!waitForJob) {
                if (json) {
                    System.out.println(reply.body().toPrettyString());
                } else {
                    System.out.println("backup job " + id + " started; follow it with 'lifeline backup status " + id
                            + "'");
                }
                return Main.OK;
            }
            return follow(client, id);
        }

        private int follow(AgentClient client, String id) throws InterruptedException {
            boolean tty = !json && interactive();
            long started = System.nanoTime();
            if (!json) {
                System.out.println("backup job " + id + " started" + (tty ? " (Ctrl-C stops watching, not the backup)"
                        : ""));
            }
            String lastPhase = null;
            int lastLength = 0;
            int misses = 0;
            while (true) {
                AgentClient.Reply reply;
                try {
                    reply = client.get("/backup/status?job=" + query(id));
                    misses = 0;
                } catch (AgentClient.AgentUnavailable e) {
                    if (++misses > MISSES_ALLOWED) {
                        if (lastLength > 0) {
                            System.out.println();
                        }
                        throw e;
                    }
                    Thread.sleep(pollMillis);
                    continue;
                }
                if (!reply.ok()) {
                    if (lastLength > 0) {
                        System.out.println();
                    }
                    return failed(reply, "backup job " + id);
                }
                BackupModel.Job job = read(client.json(), reply.body(), BackupModel.Job.class);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                if (tty) {
                    String line = ProgressBar.line(job.phase(), job.progress(), elapsed);
                    System.out.print(ProgressBar.redraw(line, lastLength));
                    System.out.flush();
                    lastLength = line.length();
                } else if (!json && !java.util.Objects.equals(job.phase(), lastPhase)) {
                    System.out.println(BackupView.phaseLine(job, elapsed));
                }
                lastPhase = job.phase();
                if (job.finished()) {
                    if (tty) {
                        System.out.println();
                    }
                    if (json) {
                        System.out.println(reply.body().toPrettyString());
                    }
                    if ("done".equals(job.phase())) {
                        if (!json) {
                            System.out.println(BackupView.summary(job, elapsed));
                        }
                        return Main.OK;
                    }
                    System.err.println("lifeline: backup job " + id + " failed: "
                            + (job.failure() == null ? "the agent gave no reason" : job.failure()));
                    return Main.FAILED;
                }
                Thread.sleep(pollMillis);
            }
        }
    }

    @Command(name = "status", description = "Show a backup job (default: the current or last one): phases, "
            + "downtime per stack, uploads, failure.")
    static final class Status implements Callable<Integer> {
        @Mixin
        DataDirOption dataDir;

        @Parameters(paramLabel = "JOB", arity = "0..1", description = "Job id (default: the current or last job).")
        String job;

        @Option(names = "--json", description = "Print JSON for scripts.")
        boolean json;

        @Override
        public Integer call() {
            return show(dataDir, "/backup/status" + (job == null ? "" : "?job=" + query(job)),
                    job == null ? "backup status" : "backup job " + job, json, (mapper, body) ->
                            BackupView.status(read(mapper, body, BackupModel.Job.class), ZoneId.systemDefault()));
        }
    }

    @Command(name = "list", description = "List the snapshots in the backup repository, grouped by job, newest first.")
    static final class ListSnapshots implements Callable<Integer> {
        @Mixin
        DataDirOption dataDir;

        @Parameters(paramLabel = "STACK", arity = "0..1", description = "Only this stack's snapshots.")
        String stack;

        @Option(names = "--json", description = "Print JSON for scripts.")
        boolean json;

        @Override
        public Integer call() {
            Integer bad = stack == null ? null : invalidStack(List.of(stack));
            if (bad != null) {
                return bad;
            }
            return show(dataDir, "/backup/snapshots" + (stack == null ? "" : "?stack=" + query(stack)), "backup list",
                    json, (mapper, body) -> BackupView.snapshots(readList(mapper, body.get("snapshots"),
                            BackupModel.Snapshot.class), ZoneId.systemDefault()));
        }
    }

    @Command(name = "jobs", description = "List recent backup jobs, newest first.")
    static final class Jobs implements Callable<Integer> {
        @Mixin
        DataDirOption dataDir;

        @Parameters(paramLabel = "STACK", arity = "0..1", description = "Only jobs that included this stack.")
        String stack;

        @Option(names = "--limit", defaultValue = "20", description = "How many jobs (default 20).")
        int limit;

        @Option(names = "--json", description = "Print JSON for scripts.")
        boolean json;

        @Override
        public Integer call() {
            Integer bad = stack == null ? null : invalidStack(List.of(stack));
            if (bad != null) {
                return bad;
            }
            if (limit < 1) {
                System.err.println("lifeline: --limit must be at least 1");
                return Main.USAGE;
            }
            return show(dataDir, "/backup/jobs?" + (stack == null ? "" : "stack=" + query(stack) + "&") + "limit="
                    + limit, "backup jobs", json, (mapper, body) -> BackupView.jobs(readList(mapper, body.get("jobs"),
                            BackupModel.Job.class), ZoneId.systemDefault()));
        }
    }

    @Command(name = "due", description = "Show each scheduled stack: schedule, whether a backup is due, last "
            + "success and failure, next run.")
    static final class DueStacks implements Callable<Integer> {
        @Mixin
        DataDirOption dataDir;

        @Option(names = "--json", description = "Print JSON for scripts.")
        boolean json;

        @Override
        public Integer call() {
            return show(dataDir, "/backup/due", "backup due", json, (mapper, body) -> BackupView.due(
                    readList(mapper, body.get("stacks"), BackupModel.Due.class), ZoneId.systemDefault()));
        }
    }

    @Command(name = "verify", description = "Test-restore a stack's latest snapshot into a scratch container and run "
            + "its check; exit 1 if it fails. May take minutes.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        DataDirOption dataDir;

        @Parameters(paramLabel = "STACK")
        String stack;

        @Option(names = "--json", description = "Print JSON for scripts.")
        boolean json;

        @Override
        public Integer call() {
            Integer bad = invalidStack(List.of(stack));
            if (bad != null) {
                return bad;
            }
            AgentClient client = AgentClient.forDataDir(dataDir.resolve());
            ObjectNode body = client.json().createObjectNode().put("stack", stack);
            AgentClient.Reply reply = client.post("/backup/verify", body, LONG_CALL);
            if (!reply.ok()) {
                return failed(reply, "verify " + stack);
            }
            BackupModel.Verify result = read(client.json(), reply.body(), BackupModel.Verify.class);
            if (json) {
                System.out.println(reply.body().toPrettyString());
            } else if (result.passed()) {
                System.out.print(BackupView.verify(result));
            } else {
                System.err.print("lifeline: verify " + BackupView.verify(result));
            }
            return result.passed() ? Main.OK : Main.FAILED;
        }
    }
}
