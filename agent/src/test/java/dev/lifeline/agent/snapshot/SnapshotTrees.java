package dev.lifeline.agent.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Builds test data trees and describes them completely (type, mode, owner, content, link target) for comparison. */
final class SnapshotTrees {
    static final int OTHER_UID = 1234;
    static final int OTHER_GID = 2345;

    private SnapshotTrees() {}

    /**
     * A small tree with what a container volume holds: nested folders, a 0600 secret, a file owned by another user,
     * a relative symlink, a dangling symlink, an empty folder and an empty file.
     */
    static void populate(Path root) throws IOException {
        Files.createDirectories(root.resolve("db/pages"));
        Files.createDirectories(root.resolve("empty"));
        for (int i = 0; i < 20; i++) {
            Files.writeString(root.resolve("db/pages/page-" + i), ("page " + i + "\n").repeat(100 + i));
        }
        Files.writeString(root.resolve("db/wal.log"), "begin\n");
        Path secret = Files.writeString(root.resolve("secret.key"), "top secret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path owned = Files.writeString(root.resolve("db/owned-by-app"), "app data\n");
        Files.setAttribute(owned, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(owned, "unix:gid", OTHER_GID, LinkOption.NOFOLLOW_LINKS);
        Files.createSymbolicLink(root.resolve("current"), Path.of("db/wal.log"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("no/such/file"));
        Files.createFile(root.resolve("empty.txt"));
    }

    /** Changes the tree in every way a running container might: overwrite, append, delete, create, chmod. */
    static void mutate(Path root) throws IOException {
        Files.writeString(root.resolve("db/pages/page-0"), "overwritten\n");
        Files.writeString(root.resolve("db/wal.log"), "commit\n", java.nio.file.StandardOpenOption.APPEND);
        Files.delete(root.resolve("db/pages/page-1"));
        Files.writeString(root.resolve("db/new-after-snapshot"), "new\n");
        Files.setPosixFilePermissions(root.resolve("secret.key"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.delete(root.resolve("current"));
        Files.createSymbolicLink(root.resolve("current"), Path.of("db/pages/page-2"));
    }

    /** Relative path to a line with type, mode, uid, gid and content digest or link target; the root is "". */
    static Map<String, String> describe(Path root) {
        Map<String, String> result = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
                StringBuilder line = new StringBuilder();
                line.append(String.format("mode=%o uid=%s gid=%s", (Integer) a.get("mode"), a.get("uid"),
                        a.get("gid")));
                if (Files.isSymbolicLink(p)) {
                    line.append(" link=").append(Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    line.append(" sha256=").append(sha256(Files.readAllBytes(p)))
                            .append(" mtime=").append(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
                }
                result.put(root.relativize(p).toString(), line.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String modeOf(Path p) throws IOException {
        return String.format("%o", (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
