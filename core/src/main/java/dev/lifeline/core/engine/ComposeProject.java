package dev.lifeline.core.engine;

import java.util.List;

/** A compose project as its labels describe it: where its compose files are. */
public record ComposeProject(String name, String workingDir, List<String> configFiles) {
    public ComposeProject {
        configFiles = List.copyOf(configFiles);
    }
}
