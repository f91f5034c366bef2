package dev.lifeline.core.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A throw-away container that runs one command and is removed afterwards: how a verified restore checks restored data
 * without touching the live stack.
 *
 * @param image   the image to run (the stack's own image, so the verify command finds its tools)
 * @param argv    the command, an argument list (never a shell string); empty runs the image's default command
 * @param binds   host paths mounted into the container
 * @param env     environment variables for the command
 * @param timeout how long the command may run; after it the container is killed and the result says timed out
 * @param network false (the default for verification) gives the container no network at all
 */
public record ScratchContainer(String image, List<String> argv, List<Bind> binds, Map<String, String> env,
        Duration timeout, boolean network) {

    /**
     * Label ({@code true}) on every scratch container: they are Lifeline's own tools, never a user's stack, so the
     * stack assembly leaves them out.
     */
    public static final String LABEL = "lifeline.scratch";
    /** Scratch containers are named this followed by random hex digits. */
    public static final String NAME_PREFIX = "lifeline-scratch-";

    /** A host path mounted at {@code destination} inside the container. */
    public record Bind(Path source, String destination, boolean readOnly) {
        public Bind {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
        }
    }

    public ScratchContainer {
        Objects.requireNonNull(image, "image");
        argv = List.copyOf(argv);
        binds = List.copyOf(binds);
        env = Map.copyOf(env);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a scratch container needs a positive timeout, got " + timeout);
        }
    }
}
