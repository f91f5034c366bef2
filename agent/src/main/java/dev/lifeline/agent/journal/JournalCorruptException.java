package dev.lifeline.agent.journal;

import dev.lifeline.core.journal.JournalException;
import java.nio.file.Path;

/**
 * The journal file is damaged or is not a Lifeline journal: a fresh file would fix it. {@link JournalOpener} moves
 * such a file aside instead of letting this escape.
 */
public final class JournalCorruptException extends JournalException {
    private final Path path;
    private final String reason;

    public JournalCorruptException(Path path, String reason, Throwable cause) {
        super("journal " + path + " is corrupt: " + reason, cause);
        this.path = path;
        this.reason = reason;
    }

    public Path path() {
        return path;
    }

    /** Short description of what is wrong, for logs and status output. */
    public String reason() {
        return reason;
    }
}
