package dev.lifeline.core.snapshot;

import java.util.Objects;

/** Whether a {@link SnapshotProvider} can snapshot a given data path, and if not, why. */
public sealed interface Support permits Support.Supported, Support.Unsupported {

    static Support supported(String detail) {
        return new Supported(detail);
    }

    static Support unsupported(String reason) {
        return new Unsupported(reason);
    }

    default boolean isSupported() {
        return this instanceof Supported;
    }

    /** @param detail how it would be done, for logs and {@code doctor} (which subvolume, where the copy goes) */
    record Supported(String detail) implements Support {
        public Supported {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** @param reason why not, naming the path and, where there is one, what to do about it */
    record Unsupported(String reason) implements Support {
        public Unsupported {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
