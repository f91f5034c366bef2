package dev.lifeline.control.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.lifeline.control.store.Database;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time spent by this JVM and by the benchmark's PostgreSQL server (the postmaster and every process it forked,
 * read from /proc), in milliseconds: on a machine shared with other work, wall time measures the others too, CPU time
 * mostly the work itself. The kernel counts in ticks of 10 ms.
 */
final class CpuClock {
    private static final long TICK_MS = 10;

    private final long postmaster;
    private final OperatingSystemMXBean jvm =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    CpuClock(Database db) {
        long backend = db.jdbi().withHandle(h -> h.createQuery("SELECT pg_backend_pid()").mapTo(Long.class).one());
        this.postmaster = stat(backend)[1];
    }

    /** CPU milliseconds so far: the JVM's and the server's. */
    long[] now() {
        long server = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                long pid = Long.parseLong(p.getFileName().toString());
                long[] s = stat(pid);
                if (s != null && (pid == postmaster || s[1] == postmaster)) {
                    server += s[0];
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc: " + e.getMessage(), e);
        }
        return new long[] {jvm.getProcessCpuTime() / 1_000_000, server * TICK_MS};
    }

    /** {user + system ticks, parent pid} of a process, or null when it is gone. */
    private static long[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after the name: state(0) ppid(1) ... utime(11) stime(12), cutime(13) cstime(14) of waited-for children
            return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[1])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
