package dev.lifeline.testkit.podman;

import dev.lifeline.testkit.engine.EngineDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Builds a tiny image from the host's static busybox (no registry needed). The tar is cached per machine so it is
 * built once; importing it into a fresh storage takes well under a second.
 */
public final class BusyboxImage {
    public static final String NAME = "localhost/lifeline-busybox:latest";
    static final List<String> APPLETS = List.of("sh", "sleep", "httpd", "nc", "cat", "echo", "kill", "true", "false",
            "wget", "date", "touch", "mkdir", "rm", "ls", "ps");
    private static final Path CACHE_DIR = Path.of(System.getProperty("lifeline.image.cache", "/var/tmp/lifeline-images"));
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxImage() {}

    /** The cached image tar, built when missing or older than the host's busybox. */
    public static synchronized Path tar() {
        Path tar = CACHE_DIR.resolve("lifeline-busybox.tar");
        try {
            if (!Files.isExecutable(BUSYBOX)) {
                throw new IllegalStateException(BUSYBOX + " is missing: run scripts/setup-host (installs busybox-static)");
            }
            if (Files.isRegularFile(tar)
                    && Files.getLastModifiedTime(tar).compareTo(Files.getLastModifiedTime(BUSYBOX)) >= 0) {
                return tar;
            }
            Files.createDirectories(CACHE_DIR);
            Path work = Files.createTempDirectory(CACHE_DIR, "build-");
            try {
                Path bin = Files.createDirectories(work.resolve("rootfs/bin"));
                Files.copy(BUSYBOX, bin.resolve("busybox"));
                for (String applet : APPLETS) {
                    Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
                }
                Files.createDirectories(work.resolve("rootfs/tmp"));
                Path partial = work.resolve("image.tar");
                Processes.run(List.of("tar", "-C", work.resolve("rootfs").toString(), "-cf", partial.toString(), "."),
                        Map.of(), null, Duration.ofSeconds(60)).stdoutOrThrow();
                // atomic so a concurrent builder never sees half a tar
                Files.move(partial, tar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                EngineDirs.deleteTree(work);
            }
            return tar;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the busybox image tar in " + CACHE_DIR + ": " + e.getMessage(), e);
        }
    }
}
