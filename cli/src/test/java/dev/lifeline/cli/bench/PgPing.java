package dev.lifeline.cli.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What {@code pg_isready} answers, without its process: connect to the server's Unix socket, send a protocol 3.0
 * startup message and read the answer. {@code R} (an authentication request, or OK) means the server accepts
 * connections; an error means so too unless it is SQLSTATE 57P03 (starting up, shutting down), as libpq's PQping
 * decides; no socket or no answer within the timeout means it is down. {@code pg_isready} costs about 40 ms of CPU per call on this machine, which
 * at the benchmark's probe rate took CPU from what it measured; this costs a connect and two small writes.
 */
final class PgPing {
    private static final int PROTOCOL_3_0 = 196_608;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pg-ping-watchdog");
        t.setDaemon(true);
        return t;
    });

    private PgPing() {}

    /** The {@code C} (SQLSTATE) field of an ErrorResponse body: type byte, NUL-terminated value, ..., NUL. */
    private static String sqlState(ByteBuffer body) {
        while (body.hasRemaining()) {
            byte field = body.get();
            if (field == 0) {
                break;
            }
            StringBuilder value = new StringBuilder();
            while (body.hasRemaining()) {
                byte b = body.get();
                if (b == 0) {
                    break;
                }
                value.append((char) b);
            }
            if (field == 'C') {
                return value.toString();
            }
        }
        return "";
    }

    /** A protocol 3.0 startup message for user and database {@code postgres}, ready to write. */
    static ByteBuffer startupMessage() {
        byte[] params = "user\0postgres\0database\0postgres\0\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer startup = ByteBuffer.allocate(8 + params.length);
        return startup.putInt(8 + params.length).putInt(PROTOCOL_3_0).put(params).flip();
    }

    /** The server's socket in {@code socketDir} (port 5432). */
    static Path socket(Path socketDir) {
        return socketDir.resolve(".s.PGSQL.5432");
    }

    /** Whether the server whose socket folder is {@code socketDir} (port 5432) accepts connections now. */
    static boolean ready(Path socketDir, long timeoutMillis) {
        Path socket = socket(socketDir);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // a server that does not answer (a frozen container) is given up on: closing unblocks the read
            ScheduledFuture<?> giveUp = WATCHDOG.schedule(() -> {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing is all that can be done
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                ByteBuffer startup = startupMessage();
                while (startup.hasRemaining()) {
                    channel.write(startup);
                }
                ByteBuffer head = ByteBuffer.allocate(5);
                while (head.hasRemaining()) {
                    if (channel.read(head) < 0) {
                        return false;
                    }
                }
                byte type = head.get(0);
                if (type == 'R') {
                    return true;
                }
                if (type != 'E') {
                    return false;
                }
                // Like libpq's PQping: a refusal is "not ready" only when it says the server cannot accept
                // connections now (SQLSTATE 57P03: starting up, shutting down); any other error (authentication)
                // comes from a server that is up.
                ByteBuffer body = ByteBuffer.allocate(Math.max(0, Math.min(head.getInt(1) - 4, 8192)));
                while (body.hasRemaining() && channel.read(body) >= 0) {
                    // read the whole error message
                }
                return !sqlState(body.flip()).equals("57P03");
            } finally {
                giveUp.cancel(false);
            }
        } catch (IOException e) {
            return false;
        }
    }
}
