package dev.lifeline.core.backup;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One data path of an in-place restore: the live data at {@code source} is renamed to {@code aside}, then the
 * restored copy at {@code restored} is renamed to {@code source}. Recorded durably before the first rename, so a
 * crash between the two can be undone.
 *
 * @param source    the live data path (a directory or a single file)
 * @param aside     where the live data is kept ({@code SOURCE.lifeline-before-restore-JOB})
 * @param restored  where the restored copy waits: {@code staging} for a directory, a file inside it for a file
 * @param staging   the folder the repository restored into ({@code SOURCE.lifeline-restore-JOB}); Lifeline's own
 * @param hadSource whether {@code source} existed when the swap was recorded (else there is nothing to set aside)
 */
public record RestoreSwap(Path source, Path aside, Path restored, Path staging, boolean hadSource) {
    public RestoreSwap {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(aside, "aside");
        Objects.requireNonNull(restored, "restored");
        Objects.requireNonNull(staging, "staging");
        if (!restored.equals(staging) && !staging.equals(restored.getParent())) {
            throw new IllegalArgumentException("the restored copy " + restored + " must be " + staging
                    + " or directly inside it");
        }
    }
}
