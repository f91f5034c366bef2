package dev.lifeline.cli;

import dev.lifeline.agent.journal.DataDirs;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --data-dir}, shared by every command that finds the agent through its data dir. */
final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Agent data dir (default: $LIFELINE_DATA_DIR, /var/lib/lifeline as root, "
                    + "~/.local/share/lifeline otherwise).")
    String dataDir;

    Path resolve() {
        return DataDirs.resolve(Optional.ofNullable(dataDir));
    }
}
