package dev.lifeline.testkit.engine;

import dev.lifeline.testkit.podman.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a private engine's temp dir needs at the end, whatever the engine: the processes it left (named by the dir on
 * their command line), its mounts, its files. And whether its socket answers.
 */
public final class EngineDirs {
    private EngineDirs() {}

    /** True when the socket answers {@code GET /_ping} with 200. */
    public static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(256);
            channel.read(buf);
            String head = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
            return head.startsWith("HTTP/1.") && head.contains(" 200 ");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Kills what an engine left running under {@code root}: processes whose command line names it, such as Podman's
     * {@code conmon} of an exec session whose container was removed under it, or Docker's {@code containerd} and
     * {@code containerd-shim} (a shim outlives its daemon by design). Returns how many were killed.
     */
    public static int endStrays(Path root) {
        String marker = root.toString() + "/";
        long self = ProcessHandle.current().pid();
        int killed = 0;
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            if (p.pid() == self) {
                continue;
            }
            String cmdline;
            try {
                cmdline = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline")),
                        StandardCharsets.UTF_8).replace('\0', ' ');
            } catch (IOException | RuntimeException gone) {
                continue;
            }
            if (cmdline.contains(marker) && p.destroyForcibly()) {
                killed++;
            }
        }
        return killed;
    }

    /** Unmounts, deepest first, whatever is mounted below {@code root} (overlays, Docker's bind of its data root). */
    public static void unmountUnder(Path root) {
        List<String> mounts = new ArrayList<>();
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
            lines.map(line -> line.split(" ")).filter(f -> f.length > 4)
                    .map(f -> f[4].replace("\\040", " "))
                    .filter(mp -> mp.startsWith(root.toString() + "/"))
                    .forEach(mounts::add);
        } catch (IOException e) {
            return;
        }
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        for (String mp : mounts) {
            Processes.run(List.of("umount", "-l", mp), Map.of(), null, Duration.ofSeconds(10));
        }
    }

    /** Deletes {@code root} and everything in it, as far as it can. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // leftover files in /tmp are harmless; keep deleting the rest
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // same
        }
    }

    /** The end of a private engine: strays killed, mounts undone, files deleted. */
    public static void remove(Path root) {
        endStrays(root);
        unmountUnder(root);
        deleteTree(root);
    }

    /** Waits until {@code socket} answers a ping, or {@code service} exits, or {@code timeout} passes. */
    public static boolean awaitAnswer(Path socket, Process service, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (answers(socket)) {
                return true;
            }
            if (!service.isAlive()) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return false;
    }

    /** Ends {@code p}: SIGTERM, then SIGKILL after {@code grace}. */
    public static void end(Process p, Duration grace) {
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    /** The service's log, for an error message. */
    public static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
