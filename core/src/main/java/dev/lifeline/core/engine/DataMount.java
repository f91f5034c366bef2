package dev.lifeline.core.engine;

import java.nio.file.Path;

/**
 * Where a container keeps data on the host: a bind mount's source or a named volume's mountpoint.
 *
 * @param kind        {@code bind} or {@code volume}
 * @param name        the volume's name; empty for a bind mount
 * @param source      the path on the host
 * @param destination the path inside the container
 */
public record DataMount(String kind, String name, Path source, String destination, boolean readOnly) {}
