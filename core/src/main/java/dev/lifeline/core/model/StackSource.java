package dev.lifeline.core.model;

/** Where a stack's grouping came from. */
public enum StackSource {
    /** {@code com.docker.compose.project} label. */
    COMPOSE,
    /** {@code lifeline.stack} label. */
    LABEL,
    /** A lone container is its own stack. */
    CONTAINER
}
