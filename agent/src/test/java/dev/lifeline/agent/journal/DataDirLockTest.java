package dev.lifeline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {
    @TempDir
    Path tmp;

    private final long myPid = ProcessHandle.current().pid();

    @Test
    void lock_creates_private_dir_and_file_and_writes_the_pid() throws Exception {
        Path dir = tmp.resolve("data");
        try (DataDirLock lock = DataDirLock.acquire(dir)) {
            assertThat(lock.lockFile()).isEqualTo(dir.toRealPath().resolve("agent.lock"));
            assertThat(Files.readString(lock.lockFile()).trim()).isEqualTo(Long.toString(myPid));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock.lockFile())))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void a_second_lock_in_the_same_jvm_is_refused_naming_dir_and_pid_and_the_first_keeps_it() throws Exception {
        Path dir = tmp.resolve("data");
        try (DataDirLock first = DataDirLock.acquire(dir)) {
            assertThat(first.dataDir()).isEqualTo(dir.toRealPath());
            assertThatThrownBy(() -> DataDirLock.acquire(dir))
                    .isInstanceOf(DataDirLockedException.class)
                    .hasMessageContaining("another Lifeline agent is running")
                    .hasMessageContaining(dir.toRealPath().toString())
                    .hasMessageContaining("pid " + myPid)
                    .satisfies(e -> assertThat(((DataDirLockedException) e).holderPid()).contains(myPid));
            // refusing did not release the first holder's lock: another process still cannot take it
            assertThat(childCanLock(dir)).isFalse();
        }
    }

    @Test
    void the_lock_is_released_on_close() throws Exception {
        Path dir = tmp.resolve("data");
        DataDirLock.acquire(dir).close();
        try (DataDirLock again = DataDirLock.acquire(dir)) {
            assertThat(again.dataDir()).isEqualTo(dir.toRealPath());
        }
        assertThat(childCanLock(dir)).isTrue();
    }

    @Test
    void a_lock_held_by_another_process_is_refused_with_its_pid_and_freed_when_it_dies() throws Exception {
        Path dir = tmp.resolve("data");
        Process holder = startHolder(dir);
        try {
            long holderPid = readLockedLine(holder);
            assertThat(holderPid).isEqualTo(holder.pid()).isNotEqualTo(myPid);
            assertThatThrownBy(() -> DataDirLock.acquire(dir))
                    .isInstanceOf(DataDirLockedException.class)
                    .hasMessageContaining(dir.toRealPath().toString())
                    .hasMessageContaining("pid " + holderPid);
            // kill -9: no cleanup runs, the OS drops the lock with the process
            holder.destroyForcibly();
            assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
            try (DataDirLock mine = DataDirLock.acquire(dir)) {
                assertThat(Files.readString(mine.lockFile()).trim()).isEqualTo(Long.toString(myPid));
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    private static Process startHolder(Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                LockHolderMain.class.getName(), dir.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static long readLockedLine(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("LOCKED ")) {
                return Long.parseLong(line.split(" ")[1]);
            }
        }
        throw new AssertionError("lock holder exited without locking, exit " + process.waitFor());
    }

    /** Whether a separate process can take the lock right now (it releases it at once). */
    private static boolean childCanLock(Path dir) throws Exception {
        Process child = startHolder(dir);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("LOCKED ")) {
                    return true;
                }
            }
            return false;
        } finally {
            child.getOutputStream().close();
            child.destroyForcibly();
            child.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
