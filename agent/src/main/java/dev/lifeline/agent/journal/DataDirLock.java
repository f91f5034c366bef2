package dev.lifeline.agent.journal;

import dev.lifeline.core.log.KeyValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exclusive lock on {@code DATA_DIR/agent.lock}, held for the agent's lifetime so that two agents never share a
 * journal. The OS releases it when the process dies, however it dies, so unlike a PID file it is never stale. The
 * holder's pid is written into the file for humans; it is informational only.
 *
 * <p>POSIX record locks belong to the process, and closing <em>any</em> descriptor of the file releases them. So a
 * second acquirer in this JVM is refused from an in-process registry before it opens the file at all.
 */
public final class DataDirLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DataDirLock.class);

    public static final String FILE_NAME = "agent.lock";

    /** Data directories (real paths) locked by this JVM, with the holder's pid. */
    private static final Map<Path, Long> HELD = new ConcurrentHashMap<>();

    private final Path dataDir;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private DataDirLock(Path dataDir, FileChannel channel, FileLock lock) {
        this.dataDir = dataDir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, creating the data directory (0700) and the lock file (0600) if needed.
     *
     * @throws DataDirLockedException another agent holds it
     * @throws UncheckedIOException   the directory or file cannot be created or written
     */
    public static DataDirLock acquire(Path dataDir) {
        Path dir;
        try {
            PrivateFiles.ensureDirectory(dataDir.toAbsolutePath().normalize());
            dir = dataDir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir + ": " + e
                    + "; check that it is writable by this user or choose another with --data-dir", e);
        }
        long pid = ProcessHandle.current().pid();
        if (HELD.putIfAbsent(dir, pid) != null) {
            throw new DataDirLockedException(dir, Optional.of(HELD.get(dir)));
        }
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE), PosixFilePermissions.asFileAttribute(PrivateFiles.FILE_MODE));
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                Optional<Long> holder = readPid(channel);
                channel.close();
                HELD.remove(dir);
                throw new DataDirLockedException(dir, holder);
            }
            PrivateFiles.tighten(file);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);
            log.info(KeyValues.line("event", "data_dir_locked", "path", file, "pid", pid));
            return new DataDirLock(dir, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            HELD.remove(dir);
            throw new UncheckedIOException("cannot lock " + file + ": " + e
                    + "; check that the data directory is writable by this user", e);
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path lockFile() {
        return dataDir.resolve(FILE_NAME);
    }

    /** Releases the lock (the file stays, emptied, so that its inode is never swapped under another acquirer). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.truncate(0);
            lock.release();
        } catch (IOException e) {
            log.warn(KeyValues.line("event", "data_dir_unlock_failed", "path", lockFile(), "error", e.toString()));
        } finally {
            closeQuietly(channel);
            HELD.remove(dataDir);
        }
        log.info(KeyValues.line("event", "data_dir_unlocked", "path", lockFile()));
    }

    private static Optional<Long> readPid(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }
}
