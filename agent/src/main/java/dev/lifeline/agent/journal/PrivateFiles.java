package dev.lifeline.agent.journal;

import dev.lifeline.core.log.KeyValues;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the agent's private directory and files: 0700 and 0600, whatever the umask. */
final class PrivateFiles {
    private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);

    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** Creates {@code dir} (and missing parents) with mode 0700; an existing directory is left as it is. */
    static void ensureDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            warnIfShared(dir);
            return;
        }
        try {
            Files.createDirectories(dir, attribute(DIR_MODE));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
        setMode(dir, DIR_MODE);
    }

    /**
     * Creates {@code file} with mode 0600 when missing (and fsyncs its directory so the new entry survives a crash);
     * an existing file is brought back to 0600. Returns true when the file was created.
     */
    static boolean ensureFile(Path file) throws IOException {
        boolean created;
        try {
            try {
                Files.createFile(file, attribute(FILE_MODE));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            created = true;
        } catch (FileAlreadyExistsException e) {
            created = false;
        }
        setMode(file, FILE_MODE);
        if (created) {
            syncDirectory(file.toAbsolutePath().getParent());
        }
        return created;
    }

    /** Brings an existing file back to 0600; a missing file is ignored. */
    static void tighten(Path file) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            setMode(file, FILE_MODE);
        }
    }

    /** Makes directory entries (creations, renames) in {@code dir} durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some filesystems refuse to fsync a directory; the data itself is still fsync'd by SQLite.
            log.debug(KeyValues.line("event", "dir_sync_unsupported", "path", dir, "error", e.toString()));
        }
    }

    private static void setMode(Path path, Set<PosixFilePermission> mode) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
                Files.setPosixFilePermissions(path, mode);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX filesystem: nothing to tighten
        }
    }

    private static void warnIfShared(Path dir) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
            if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                log.warn(KeyValues.line("event", "data_dir_not_private", "path", dir,
                        "mode", PosixFilePermissions.toString(mode), "hint", "chmod 700 " + dir));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // best effort only
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> mode) {
        return PosixFilePermissions.asFileAttribute(mode);
    }
}
