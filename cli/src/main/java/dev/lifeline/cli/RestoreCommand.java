package dev.lifeline.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeline.cli.backup.BackupModel;
import dev.lifeline.cli.backup.BackupView;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeline restore STACK}: bring a stack's data back from the backup repository. */
@Command(name = "restore", description = "Restore a stack's data from a snapshot (default: the latest). In place "
        + "the stack must be stopped (--stop stops it and starts it again after); --to restores beside it instead.")
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Parameters(paramLabel = "STACK")
    String stack;

    @Option(names = "--snapshot", paramLabel = "ID", description = "Snapshot id (default: the stack's latest).")
    String snapshot;

    @Option(names = "--to", paramLabel = "DIR", description = "Restore into this directory instead of in place.")
    Path to;

    @Option(names = "--stop", description = "Stop the stack for an in-place restore and start it again after.")
    boolean stop;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() {
        Integer bad = BackupCommand.invalidStack(List.of(stack));
        if (bad != null) {
            return bad;
        }
        AgentClient client = AgentClient.forDataDir(dataDir.resolve());
        ObjectNode body = client.json().createObjectNode();
        body.put("stack", stack);
        body.put("snapshot", snapshot);
        // The agent resolves paths from its own working directory, not the caller's: send an absolute one.
        body.put("to", to == null ? null : to.toAbsolutePath().normalize().toString());
        body.put("stopStack", stop);
        AgentClient.Reply reply = client.post("/restore", body, BackupCommand.LONG_CALL);
        if (!reply.ok()) {
            return BackupCommand.failed(reply, "restore " + stack);
        }
        if (json) {
            System.out.println(reply.body().toPrettyString());
        } else {
            System.out.print(BackupView.restore(BackupCommand.read(client.json(), reply.body(),
                    BackupModel.Restore.class)));
        }
        return Main.OK;
    }
}
