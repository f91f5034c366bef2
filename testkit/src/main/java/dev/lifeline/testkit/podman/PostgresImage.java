package dev.lifeline.testkit.podman;

import dev.lifeline.testkit.engine.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real PostgreSQL 15 image built offline from the host's Debian mirror by {@code scripts/build-postgres-image}
 * (debootstrap, a few minutes, once per machine; the tarball is cached in {@code /var/tmp/lifeline-images}). Importing
 * it into a fresh storage takes seconds.
 *
 * <p>The image's default command initialises an empty {@link #DATA_DIR} and runs postgres; its stop signal is SIGINT
 * (a fast, clean shutdown). {@link #VERIFY_COMMAND} checks a data dir: see {@code scripts/postgres-image/}.
 */
public final class PostgresImage {
    public static final String NAME = "localhost/lifeline-postgres:15";
    public static final String DATA_DIR = "/var/lib/postgresql/data";
    /** Starts a private server on {@code $PGDATA}, runs {@code $VERIFY_SQL}, says how the data was shut down. */
    public static final String VERIFY_COMMAND = "/usr/local/bin/lifeline-pg-verify";
    /** The image config the import gives the rootfs (the same as the script's {@code --import}). */
    static final List<String> CHANGES = List.of(
            "CMD [\"/usr/local/bin/lifeline-postgres\"]",
            "ENV PGDATA=" + DATA_DIR,
            "ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "STOPSIGNAL SIGINT");
    private static final Path CACHE_DIR = Path.of(System.getProperty("lifeline.image.cache", "/var/tmp/lifeline-images"));
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
    private static Path built;

    private PostgresImage() {}

    /**
     * The image tarball, built by the script when missing (minutes: said on stderr) and refreshed when the image's
     * scripts changed (seconds). Once per JVM.
     */
    public static synchronized Path ensureBuilt() {
        if (built != null) {
            return built;
        }
        Path tar = CACHE_DIR.resolve("postgres-15.tar");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && Files.isRegularFile(tar)) {
            built = tar;
            return tar;
        }
        Path script = PodmanService.findRepoRoot().resolve("scripts/build-postgres-image");
        if (!Files.isRegularFile(tar)) {
            System.err.println("event=postgres_image_build tar=" + tar + " script=" + script
                    + " note=\"first build on this machine, takes about 3 minutes\"");
        }
        long start = System.nanoTime();
        ProcessResult result = Processes.run(List.of(script.toString()),
                Map.of("LIFELINE_IMAGE_CACHE", CACHE_DIR.toString()), null, BUILD_TIMEOUT);
        if (!result.ok()) {
            throw new IllegalStateException("scripts/build-postgres-image failed (exit " + result.exitCode()
                    + "), so the PostgreSQL test image is missing:\n" + result.stderr().strip());
        }
        String printed = result.stdout().strip();
        Path path = Path.of(printed.substring(printed.lastIndexOf('\n') + 1));
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("scripts/build-postgres-image printed " + path + ", which is not a file");
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (ms > 5_000) {
            System.err.println("event=postgres_image_built tar=" + path + " elapsed_ms=" + ms);
        }
        built = path;
        return path;
    }

    /** Imports the image into the engine's storage unless it is there already; returns its name. */
    public static String importInto(TestEngine engine) {
        engine.importImage(ensureBuilt(), NAME, CHANGES);
        return NAME;
    }
}
