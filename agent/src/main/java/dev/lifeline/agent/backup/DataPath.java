package dev.lifeline.agent.backup;

import dev.lifeline.core.model.StackName;
import java.nio.file.Path;

/**
 * One host directory holding a stack's data, discovered from the engine when the job is planned.
 *
 * @param stack       the stack
 * @param container   the container that mounts it (the first one, when several share it)
 * @param source      the directory on the host: a bind mount's source or a named volume's mountpoint
 * @param destination where the container sees it
 * @param volume      the volume's name; empty for a bind mount
 */
public record DataPath(StackName stack, String container, Path source, String destination, String volume) {

    /** The restic tags of this path's backup by {@code jobId}: how restores and retention find it again. */
    public java.util.Map<String, String> tags(String jobId) {
        java.util.Map<String, String> tags = new java.util.LinkedHashMap<>();
        tags.put("stack", stack.value());
        tags.put("job", jobId);
        tags.put("source", source.toString());
        return tags;
    }
}
