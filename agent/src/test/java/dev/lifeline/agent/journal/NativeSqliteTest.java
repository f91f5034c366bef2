package dev.lifeline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

class NativeSqliteTest {
    @TempDir
    Path dataDir;

    @Test
    void theDriversLibraryIsCopiedOnceIntoTheDataDirByteForByte() throws Exception {
        Optional<Path> lib = NativeSqlite.install(dataDir);
        assertThat(lib).isPresent();
        assertThat(lib.get()).isEqualTo(dataDir.resolve("native/sqlite-jdbc-" + SQLiteJDBCLoader.getVersion())
                .resolve(LibraryLoaderUtil.getNativeLibName()));
        assertThat(Files.readAllBytes(lib.get())).isEqualTo(jarCopy());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lib.get()))).isEqualTo("rw-------");

        long written = Files.getLastModifiedTime(lib.get()).toMillis();
        Files.setLastModifiedTime(lib.get(), java.nio.file.attribute.FileTime.fromMillis(written - 60_000));
        assertThat(NativeSqlite.install(dataDir)).isEqualTo(lib);
        assertThat(Files.getLastModifiedTime(lib.get()).toMillis()).as("kept, not rewritten").isEqualTo(written - 60_000);
    }

    @Test
    void aMissingCopyIsRewrittenAndPartialFilesAndOtherVersionsRemoved() throws Exception {
        Path lib = NativeSqlite.install(dataDir).orElseThrow();
        Files.delete(lib);
        Files.createFile(lib.resolveSibling(".lib123.partial"));
        Path old = Files.createDirectories(dataDir.resolve("native/sqlite-jdbc-0.0.1"));
        Files.write(old.resolve("libsqlitejdbc.so"), new byte[] {9});

        assertThat(NativeSqlite.install(dataDir)).contains(lib);
        assertThat(Files.readAllBytes(lib)).isEqualTo(jarCopy());
        assertThat(lib.resolveSibling(".lib123.partial")).doesNotExist();
        assertThat(old).doesNotExist();
    }

    @Test
    void aDataDirWhereNothingCanBeWrittenOnlyMeansNoCopy() throws Exception {
        Path blocked = dataDir.resolve("blocked");
        Files.writeString(blocked, "a file where the native folder would go");
        assertThat(NativeSqlite.install(blocked)).isEmpty();
    }

    private static byte[] jarCopy() throws Exception {
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }
}
