package dev.lifeline.core.backup;

import java.util.List;

/**
 * A command run inside one container (exec, no shell).
 *
 * @param container the container's name
 * @param argv      program first; never empty
 */
public record Hook(String container, List<String> argv) {
    public Hook {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a hook needs a program");
        }
    }
}
