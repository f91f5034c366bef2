package dev.lifeline.agent.restic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Shared fixtures: password files, repository configs on a temporary directory, a tree with awkward entries. */
final class ResticTestSupport {
    static final String PASSWORD = "pw-Zq8!never-show-me-4711";
    static final String HOST = "test-host";

    private ResticTestSupport() {}

    static void requireRestic() {
        if (!dev.lifeline.testkit.podman.Processes.onPath("restic")) {
            throw new IllegalStateException("restic is not installed; these tests run the real restic: run"
                    + " scripts/setup-host (or apt-get install restic)");
        }
    }

    static Path passwordFile(Path dir, String name, String password, String mode) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, password + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    /** A shell script standing in for restic (or wrapping it), executable by its owner only. */
    static Path script(Path dir, String name, String body) throws IOException {
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    static ResticConfig config(Path dir, Path repo, Path passwordFile) {
        return ResticConfig.of(repo.toString(), passwordFile, HOST)
                .withExtraEnv(Map.of("RESTIC_CACHE_DIR", dir.resolve("cache").toString()));
    }

    /** Files of various sizes and modes, a symlink, an empty dir, names with spaces and unicode. */
    static void buildTree(Path root) throws IOException {
        Random random = new Random(42);
        Files.createDirectories(root.resolve("deep/a/b"));
        Files.createDirectories(root.resolve("empty dir"));
        Files.createDirectories(root.resolve("dir with spaces"));
        Files.writeString(root.resolve("small.txt"), "hello\n");
        Files.write(root.resolve("zero-length"), new byte[0]);
        byte[] medium = new byte[150_000];
        random.nextBytes(medium);
        Files.write(root.resolve("medium.bin"), medium);
        byte[] compressible = "abc".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        Files.write(root.resolve("deep/a/b/text.log"), compressible);
        Files.writeString(root.resolve("secret.key"), "private material\n");
        Files.setPosixFilePermissions(root.resolve("secret.key"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(root.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(root.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(root.resolve("dir with spaces/ünïcødé 文件 €.txt"), "unicode name\n");
        Files.createSymbolicLink(root.resolve("link-to-small"), Path.of("small.txt"));
        Files.createSymbolicLink(root.resolve("deep/dangling"), Path.of("../nowhere/at all"));
        Files.setPosixFilePermissions(root.resolve("deep/a"), PosixFilePermissions.fromString("rwx--x---"));
    }

    /**
     * Asserts both trees hold the same entries, relative to their roots: same types, same permission bits, the same
     * bytes in every file, the same symlink targets.
     */
    static void assertSameTree(Path expected, Path actual) throws IOException {
        Map<String, String> want = describe(expected);
        Map<String, String> got = describe(actual);
        assertThat(got).isEqualTo(want);
        for (Map.Entry<String, String> e : want.entrySet()) {
            if (e.getValue().startsWith("file ")) {
                byte[] a = Files.readAllBytes(expected.resolve(e.getKey()));
                byte[] b = Files.readAllBytes(actual.resolve(e.getKey()));
                assertThat(b).as("bytes of %s", e.getKey()).isEqualTo(a);
            }
        }
    }

    private static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.isEmpty()) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link -> " + Files.readSymbolicLink(p));
                } else {
                    String mode = PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                    out.put(rel, (Files.isDirectory(p) ? "dir " : "file " + Files.size(p) + " ") + mode);
                }
            }
        }
        return out;
    }
}
