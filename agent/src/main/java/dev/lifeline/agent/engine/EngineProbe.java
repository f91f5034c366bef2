package dev.lifeline.agent.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Checks whether an endpoint answers {@code GET /_ping}; returns why not, in a few words. */
final class EngineProbe {
    private EngineProbe() {}

    /** Empty when the endpoint answers; otherwise the reason it does not. */
    static Optional<String> problem(URI endpoint, Duration timeout) {
        SocketAddress address;
        StandardProtocolFamily family;
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "unix" -> {
                Path path = Path.of(endpoint.getPath());
                Optional<String> fileProblem = fileProblem(path);
                if (fileProblem.isPresent()) {
                    return fileProblem;
                }
                address = UnixDomainSocketAddress.of(path);
                family = StandardProtocolFamily.UNIX;
            }
            case "tcp", "http" -> {
                if (endpoint.getHost() == null || endpoint.getPort() < 0) {
                    return Optional.of("invalid address (expected tcp://HOST:PORT)");
                }
                address = new InetSocketAddress(endpoint.getHost(), endpoint.getPort());
                family = null;
            }
            default -> {
                return Optional.of("unsupported scheme '" + scheme + "' (use unix:///PATH or tcp://HOST:PORT)");
            }
        }
        return ping(address, family, timeout);
    }

    private static Optional<String> fileProblem(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.exists(path)) {
            return Optional.of("no such file");
        }
        try {
            PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class);
            if (!attrs.isOther()) {
                return Optional.of(attrs.isDirectory() ? "is a directory, not a socket" : "is a regular file, not a socket");
            }
        } catch (IOException e) {
            return Optional.of(reason(e));
        }
        return Optional.empty();
    }

    private static Optional<String> ping(SocketAddress address, StandardProtocolFamily family, Duration timeout) {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try (SocketChannel channel = family == null ? SocketChannel.open() : SocketChannel.open(family)) {
            Future<String> answer = executor.submit(() -> exchange(channel, address));
            String head;
            try {
                head = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return Optional.of("no answer within " + timeout.toMillis() + " ms");
            } catch (java.util.concurrent.ExecutionException e) {
                return Optional.of(reason(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted");
            }
            if (head.startsWith("HTTP/1.") && head.contains(" 200")) {
                return Optional.empty();
            }
            String status = head.lines().findFirst().orElse("(empty answer)");
            return Optional.of("answered but not like a container engine: " + status);
        } catch (IOException e) {
            return Optional.of(reason(e));
        } finally {
            executor.shutdownNow();
        }
    }

    private static String exchange(SocketChannel channel, SocketAddress address) throws IOException {
        channel.connect(address);
        channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: engine\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer buf = ByteBuffer.allocate(512);
        while (buf.hasRemaining() && channel.read(buf) > 0) {
            String sofar = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
            if (sofar.contains("\r\n")) {
                break;
            }
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
    }

    private static String reason(Throwable e) {
        String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (e instanceof java.nio.file.AccessDeniedException || msg.contains("permission denied")) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException || msg.contains("no such file")) {
            return "no such file";
        }
        if (e instanceof java.net.ConnectException || msg.contains("connection refused")) {
            return "connection refused";
        }
        if (e instanceof java.nio.channels.UnresolvedAddressException) {
            return "unknown host";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
