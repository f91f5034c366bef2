package dev.lifeline.cli.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What the benchmarks share: arguments, timestamped progress lines, medians, Markdown tables, and a bare engine call
 * that costs no more than the engine's own work.
 */
final class BenchOutput {
    private BenchOutput() {}

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String yes(boolean ok) {
        return ok ? "yes" : "**no**";
    }

    static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }

    /** Whether the argument {@code name} (one without a value) is present. */
    static boolean flag(String[] args, String name) {
        return java.util.Arrays.asList(args).contains(name);
    }

    /** The path after {@code name}, or null when the argument is absent. */
    static Path pathArg(String[] args, String name) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Path.of(args[i + 1]);
            }
        }
        return null;
    }

    /**
     * {@code POST path} on the engine's socket (Docker-compatible API, HTTP/1.0 so the answer ends with the
     * connection) with no client library in the way; returns the HTTP status.
     */
    static int enginePost(Path socket, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            String request = "POST /v1.41" + path + " HTTP/1.0\r\nHost: d\r\nContent-Length: 0\r\n\r\n";
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(4096);
            StringBuilder response = new StringBuilder();
            while (channel.read(buf) > 0) {
                buf.flip();
                response.append(StandardCharsets.US_ASCII.decode(buf));
                buf.clear();
            }
            String head = response.toString();
            if (!head.startsWith("HTTP/1.")) {
                throw new IOException("unexpected engine answer to " + path + ": " + head);
            }
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    /**
     * User + system CPU time a process has used so far, from {@code /proc/PID/stat} (clock ticks of 10 ms): its own
     * threads only, without the children it has waited for.
     */
    static double cpuSeconds(long pid) throws IOException {
        String[] fields = statFields(readStat(pid));
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** {user, system} CPU seconds of the children a process has waited for (restic, for the agent). */
    static double[] waitedChildrenUserSystem(long pid) throws IOException {
        String[] fields = statFields(readStat(pid));
        return new double[] {Long.parseLong(fields[13]) / 100.0, Long.parseLong(fields[14]) / 100.0};
    }

    private static String readStat(long pid) throws IOException {
        return java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
    }

    /** The fields of a {@code /proc/PID/stat} line after the name (which may hold spaces): index 0 is the state. */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** A process's name and the CPU seconds it and its waited-for children have used so far. */
    record ProcessCpu(String name, double seconds) {}

    /**
     * Every process's CPU so far by pid, kernel threads too (a kernel worker's name changes with its work, so the
     * pid is the key): the difference of two such readings says who used the machine in between.
     */
    static java.util.Map<Long, ProcessCpu> everyProcessCpu() throws IOException {
        java.util.Map<Long, ProcessCpu> cpu = new java.util.HashMap<>();
        try (java.util.stream.Stream<Path> procs = java.nio.file.Files.list(Path.of("/proc"))) {
            for (Path dir : procs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit))
                    .toList()) {
                try {
                    String stat = java.nio.file.Files.readString(dir.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = statFields(stat);
                    cpu.put(Long.parseLong(dir.getFileName().toString()), new ProcessCpu(name, (Long.parseLong(f[11])
                            + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0));
                } catch (IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return cpu;
    }

    /** The {@code n} processes that used the most CPU between two {@link #everyProcessCpu} readings. */
    static String topCpu(java.util.Map<Long, ProcessCpu> before, java.util.Map<Long, ProcessCpu> after, int n) {
        return after.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey() + " " + e.getValue().name(), e.getValue().seconds()
                        - (before.containsKey(e.getKey()) ? before.get(e.getKey()).seconds() : 0.0)))
                .filter(e -> e.getValue() >= 0.05)
                .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(n)
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** CPU time (s) every process of the machine has used so far, from {@code /proc/stat}: all but idle and iowait. */
    static double machineBusySeconds() throws IOException {
        String[] f = java.nio.file.Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            if (i != 4 && i != 5) { // idle, iowait
                busy += Long.parseLong(f[i]);
            }
        }
        return busy / 100.0;
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[bench %s] %s%n", Instant.now().toString().substring(11, 23),
                String.format(Locale.ROOT, format, args));
    }

    /** Markdown table rows; {@code format} picks the number format of a row from its label (its unit). */
    static final class Table {
        private final Function<String, String> format;

        Table(Function<String, String> format) {
            this.format = format;
        }

        /** The header of a table of {@link #stats} rows, {@code first} naming the first column. */
        void statsHeader(String first) {
            row(first, "Median", "Min", "Max", "N");
            row("---", "---:", "---:", "---:", "---:");
        }

        void row(String... cells) {
            System.out.println("| " + String.join(" | ", cells) + " |");
        }

        /** One row: median, min, max and count of {@code values}. */
        void stats(String what, List<Double> values) {
            double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            String fmt = format.apply(what);
            row(what, String.format(Locale.ROOT, fmt, median(values)), String.format(Locale.ROOT, fmt, min),
                    String.format(Locale.ROOT, fmt, max), String.valueOf(values.size()));
        }
    }
}
