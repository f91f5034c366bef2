package dev.lifeline.agent.backup;

import dev.lifeline.core.model.StackName;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One host directory or single file holding a stack's data, discovered from the engine when the job is planned.
 *
 * @param stack       the stack
 * @param container   the container that mounts it (the first one, when several share it)
 * @param source      on the host: a bind mount's source (a directory or a file) or a named volume's mountpoint
 * @param destination where the container sees it
 * @param volume      the volume's name; empty for a bind mount
 * @param file        a single file (a file bind mount), not a directory
 */
public record DataPath(StackName stack, String container, Path source, String destination, String volume,
        boolean file) {
    /** The restic tag saying a snapshot holds a single file (absent: a directory). */
    public static final String KIND_TAG = "kind";
    public static final String FILE_KIND = "file";

    /** The restic tags of this path's backup by {@code jobId}: how restores and retention find it again. */
    public Map<String, String> tags(String jobId) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("stack", stack.value());
        tags.put("job", jobId);
        tags.put("source", source.toString());
        if (file) {
            tags.put(KIND_TAG, FILE_KIND);
        }
        return tags;
    }

    /** Whether a repository snapshot with these tags holds a single file. */
    public static boolean isFile(Map<String, String> tags) {
        return FILE_KIND.equals(tags.get(KIND_TAG));
    }
}
