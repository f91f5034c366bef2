package dev.lifeline.agent.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Gives SQLite's JDBC driver its native library from a copy kept in the data dir
 * ({@code DATA_DIR/native/sqlite-jdbc-VERSION/}), written once per driver version. Left to itself the driver writes
 * the library from its jar into the temporary directory under a new name at every start and reads both back to
 * compare them: a sixth of a second of CPU before the journal opens, on the way to every recovery. When the copy
 * cannot be written or loaded, the driver falls back to its own way; nothing fails because of this.
 */
public final class NativeSqlite {
    private static final Logger log = LoggerFactory.getLogger(NativeSqlite.class);
    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";
    static final String TMPDIR_PROPERTY = "org.sqlite.tmpdir";
    private static final AtomicBoolean prepared = new AtomicBoolean();

    private NativeSqlite() {}

    /** Once per process, before the first connection: points the driver at the data dir's copy. */
    static void prepare(Path dataDir) {
        if (!prepared.compareAndSet(false, true) || System.getProperty(PATH_PROPERTY) != null) {
            return;
        }
        install(dataDir).ifPresent(lib -> {
            System.setProperty(PATH_PROPERTY, lib.getParent().toString());
            System.setProperty(NAME_PROPERTY, lib.getFileName().toString());
            // The driver also sweeps its temporary directory for copies of earlier runs at every start: let it
            // sweep this small folder instead of the host's /tmp.
            System.setProperty(TMPDIR_PROPERTY, lib.getParent().toString());
        });
    }

    /**
     * The data dir's copy of the driver's library for this platform, written (whole, then renamed into place) when
     * it is missing. The folder is named for the driver's version, so an upgrade writes a new copy (and removes the
     * old ones). Empty when the driver has no library for this platform or the copy cannot be written.
     */
    static Optional<Path> install(Path dataDir) {
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
        URL url = SQLiteJDBCLoader.class.getResource(resource);
        if (url == null) {
            return Optional.empty();
        }
        Path dir = dataDir.resolve("native").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion());
        Path lib = dir.resolve(LibraryLoaderUtil.getNativeLibName());
        try {
            if (Files.isRegularFile(lib)) {
                // whole or absent: it is only ever renamed into place once written and synced
                return Optional.of(lib);
            }
            Files.createDirectories(dir);
            removeLeftovers(dir);
            Path partial = Files.createTempFile(dir, ".lib", ".partial");
            try (InputStream in = url.openStream();
                    OutputStream out = Files.newOutputStream(partial, StandardOpenOption.WRITE)) {
                in.transferTo(out);
            }
            try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(partial, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.info("event=sqlite_native_library_installed path={}", lib);
            return Optional.of(lib);
        } catch (IOException | RuntimeException e) {
            log.warn("event=sqlite_native_library_not_installed dir={} error=\"{}\" effect=\"the driver writes it to "
                    + "the temporary directory at each start instead\"", dir, e.toString());
            return Optional.empty();
        }
    }

    /** Copies of other driver versions, and partial copies of a start that was killed while writing one. */
    private static void removeLeftovers(Path dir) throws IOException {
        try (var versions = Files.list(dir.getParent())) {
            for (Path other : versions.toList()) {
                if (!other.equals(dir) && other.getFileName().toString().startsWith("sqlite-jdbc-")) {
                    deleteTree(other);
                }
            }
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().endsWith(".partial")) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
