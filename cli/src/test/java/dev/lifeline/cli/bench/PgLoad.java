package dev.lifeline.cli.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady insert load on PostgreSQL, from the host through the server's bind-mounted socket: one connection that
 * commits one {@code INSERT} of {@code rows} rows of about 1 kB every {@code intervalMillis} (each commit fsyncs the
 * WAL; the rows make shared buffers dirty that the next checkpoint, or the shutdown's, writes back). When the server
 * goes away (a backup's stop) it reconnects every {@code intervalMillis} until it is back, as an app's pool would.
 * The simple query protocol by hand (trust authentication on the local socket, as the benchmark's image sets up),
 * so that the load costs no process per statement.
 */
final class PgLoad implements AutoCloseable {
    static final String TABLE = "lifeline_bench_load";
    /** The table the load fills: created once, before the first round. */
    static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS " + TABLE
            + " (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL)";

    private final Path socketDir;
    private final String insert;
    private final long intervalMillis;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;
    /** The connection in use, closed by {@link #close} so that a read waiting on a frozen server ends. */
    private volatile SocketChannel current;

    private PgLoad(Path socketDir, int rows, long intervalMillis) {
        this.socketDir = socketDir;
        this.insert = "INSERT INTO " + TABLE + " (payload) SELECT repeat(md5(random()::text), 32)"
                + " FROM generate_series(1, " + rows + ")";
        this.intervalMillis = intervalMillis;
        this.thread = Thread.ofPlatform().daemon().name("pg-load").start(this::run);
    }

    /** Starts the load on the server whose socket folder is {@code socketDir}. */
    static PgLoad start(Path socketDir, int rows, long intervalMillis) {
        return new PgLoad(socketDir, rows, intervalMillis);
    }

    private void run() {
        while (!stop.get()) {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                current = channel;
                channel.connect(UnixDomainSocketAddress.of(PgPing.socket(socketDir)));
                write(channel, PgPing.startupMessage());
                awaitReady(channel);
                while (!stop.get()) {
                    long began = System.nanoTime();
                    write(channel, query(insert));
                    awaitReady(channel);
                    committed.incrementAndGet();
                    pause(intervalMillis - (System.nanoTime() - began) / 1_000_000);
                }
            } catch (IOException e) {
                failed.incrementAndGet();
                pause(intervalMillis);
            }
        }
    }

    /** Reads messages until ReadyForQuery; an ErrorResponse on the way is a failure (after ReadyForQuery). */
    private static void awaitReady(SocketChannel channel) throws IOException {
        boolean error = false;
        while (true) {
            ByteBuffer head = read(channel, 5);
            byte type = head.get();
            int length = head.getInt();
            read(channel, length - 4);
            if (type == 'E') {
                error = true;
            } else if (type == 'Z') {
                if (error) {
                    throw new IOException("the server answered with an error");
                }
                return;
            }
        }
    }

    private static ByteBuffer query(String sql) {
        byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + text.length).put((byte) 'Q').putInt(4 + text.length).put(text).flip();
    }

    private static void write(SocketChannel channel, ByteBuffer message) throws IOException {
        while (message.hasRemaining()) {
            channel.write(message);
        }
    }

    private static ByteBuffer read(SocketChannel channel, int bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("the server closed the connection");
            }
        }
        return buffer.flip();
    }

    private void pause(long millis) {
        if (millis > 0 && !stop.get()) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                stop.set(true);
            }
        }
    }

    /** Statements committed so far. */
    long committed() {
        return committed.get();
    }

    /** Connections or statements that failed so far (the server was away). */
    long failed() {
        return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        SocketChannel channel = current;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all that can be done
            }
        }
        thread.join(10_000);
    }
}
