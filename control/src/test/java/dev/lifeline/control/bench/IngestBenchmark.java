package dev.lifeline.control.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.agentapi.AgentApi;
import dev.lifeline.control.agentapi.AgentApiSettings;
import dev.lifeline.control.agentapi.HeartbeatIngest;
import dev.lifeline.control.agentapi.HostBackListener;
import dev.lifeline.control.auth.Tokens;
import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.DatabaseUrl;
import dev.lifeline.control.store.EmbeddedDatabase;
import dev.lifeline.core.fleet.wire.Heartbeat;
import dev.lifeline.core.fleet.wire.ReportedStack;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Heartbeat ingest benchmark (not a test: run it with {@code scripts/bench-ingest}). One control-plane replica (the
 * agent API on Javalin, on loopback) on a PostgreSQL with fsync and synchronous_commit on (the embedded one unless
 * {@code --db URL}); {@code --hosts} registered hosts, each heartbeat a full report of {@code --stacks} stacks, sent
 * over real HTTP by {@code --clients} concurrent clients (virtual threads, one request at a time each, in this same
 * JVM: the clients share the machine with the server and the database). Measures heartbeats stored per second over
 * {@code --seconds} after a warm-up, latency percentiles, and how many heartbeats each commit carried, three ways
 * after an unreported run that lets the JIT compile both sides' paths: group commit with every report the same as
 * the one stored (a quiet fleet: the heartbeat refreshes the host, the report is not written again), group commit
 * with every report different from the stored one (each is parsed and written), and a transaction per heartbeat
 * (reports the same) for comparison. Prints a Markdown table.
 */
public final class IngestBenchmark {
    private static final String DETAIL = "3/3 containers up (web, worker, db), healthy for 2 h";

    private record Run(String name, int clients, double perSecond, double p50, double p99, double meanBatch,
            long errors) {}

    public static void main(String[] args) throws Exception {
        int hosts = intArg(args, "--hosts", 2_000);
        int stacks = intArg(args, "--stacks", 50);
        int clients = intArg(args, "--clients", 64);
        int seconds = intArg(args, "--seconds", 20);
        int warmup = intArg(args, "--warmup", 5);
        String dbArg = stringArg(args, "--db");
        Path dir = Files.createTempDirectory("lifeline-bench-ingest-");
        EmbeddedDatabase embedded = null;
        try {
            DatabaseUrl url;
            if (dbArg == null) {
                embedded = EmbeddedDatabase.start(dir.resolve("pg"), 0, true);
                url = embedded.url();
            } else {
                url = DatabaseUrl.parse(dbArg);
            }
            List<Run> runs = new ArrayList<>();
            try (Database db = Database.open(url, 16)) {
                log("database " + url + ": fsync=" + setting(db, "fsync") + " synchronous_commit="
                        + setting(db, "synchronous_commit") + " full_page_writes=" + setting(db, "full_page_writes"));
                List<String> tokens = seed(db, hosts);
                byte[][][] bodies = {bodies(hosts, stacks, 0), bodies(hosts, stacks, 1)};
                log("seeded " + hosts + " hosts; one heartbeat is " + bodies[0][0].length + " bytes (" + stacks
                        + " stacks)");
                int groupCommit = AgentApiSettings.defaults(Duration.ofSeconds(30)).maxBatch();
                log("warm-up run (not reported): the JIT compiles the server's and the clients' paths");
                run(db, tokens, bodies, true, clients, warmup, seconds, groupCommit);
                runs.add(run(db, tokens, bodies, false, clients, warmup, seconds, groupCommit));
                runs.add(run(db, tokens, bodies, true, clients, warmup, seconds, groupCommit));
                runs.add(run(db, tokens, bodies, false, clients, warmup, seconds, 1));
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "Heartbeat ingest, %d hosts x %d stacks, %d clients, %d s, %d CPUs%n%n",
                    hosts, stacks, clients, seconds, Runtime.getRuntime().availableProcessors());
            System.out.println("| ingest | heartbeats/s | p50 ms | p99 ms | heartbeats per commit | errors |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            for (Run r : runs) {
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f | %.1f | %.1f | %d |%n", r.name(), r.perSecond(),
                        r.p50(), r.p99(), r.meanBatch(), r.errors());
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            deleteTree(dir);
        }
    }

    private static Run run(Database db, List<String> tokens, byte[][][] bodies, boolean changing, int clients,
            int warmup, int seconds, int maxBatch) throws Exception {
        AgentApiSettings defaults = AgentApiSettings.defaults(Duration.ofSeconds(30));
        AgentApiSettings settings = new AgentApiSettings(defaults.heartbeatInterval(), defaults.maxHeartbeatBytes(),
                defaults.maxStacks(), defaults.maxResults(), defaults.maxLongPoll(), maxBatch,
                defaults.tokenCacheTtl());
        String name = (maxBatch == 1 ? "a transaction per heartbeat" : "group commit (up to " + maxBatch + ")")
                + (changing ? ", every report changed" : ", reports unchanged");
        try (AgentApi api = AgentApi.start(db, InstantSource.system(), settings, HostBackListener.NONE, "bench")) {
            Javalin http = Javalin.create(config -> api.routes().addTo(config)).start("127.0.0.1", 0);
            try {
                URI endpoint = URI.create("http://127.0.0.1:" + http.port() + "/v1/agent/heartbeat");
                log(name + ": warming up " + warmup + " s");
                Load load = new Load(endpoint, tokens, bodies, changing, clients);
                load.start();
                Thread.sleep(Duration.ofSeconds(warmup));
                HeartbeatIngest.Counts before = api.ingestCounts();
                load.measure();
                Instant from = Instant.now();
                Thread.sleep(Duration.ofSeconds(seconds));
                HeartbeatIngest.Counts after = api.ingestCounts();
                Duration took = Duration.between(from, Instant.now());
                List<Long> latencies = load.stop();
                long stored = after.heartbeats() - before.heartbeats();
                long commits = after.batches() - before.batches();
                double perSecond = stored / (took.toNanos() / 1e9);
                Run r = new Run(name, clients, perSecond, percentile(latencies, 0.5), percentile(latencies, 0.99),
                        commits == 0 ? 0 : (double) stored / commits, load.errors.get());
                log(String.format(Locale.ROOT, "%s: %.0f heartbeats/s, p50 %.1f ms, p99 %.1f ms, %.1f per commit",
                        name, r.perSecond(), r.p50(), r.p99(), r.meanBatch()));
                return r;
            } finally {
                http.stop();
            }
        }
    }

    /** Clients sending heartbeats as fast as they are answered, each for its own share of the hosts. */
    private static final class Load {
        private final URI endpoint;
        private final List<String> tokens;
        private final byte[][][] bodies;
        private final boolean changing;
        private final int clients;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicBoolean measuring = new AtomicBoolean();
        private final ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        private final AtomicLong errors = new AtomicLong();
        private final CountDownLatch done;
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

        /** @param changing every heartbeat of a host alternates between two reports, else it is always the first */
        Load(URI endpoint, List<String> tokens, byte[][][] bodies, boolean changing, int clients) {
            this.endpoint = endpoint;
            this.tokens = tokens;
            this.bodies = bodies;
            this.changing = changing;
            this.clients = clients;
            this.done = new CountDownLatch(clients);
        }

        void start() {
            for (int c = 0; c < clients; c++) {
                int client = c;
                threads.execute(() -> {
                    long[] mine = new long[1 << 20];
                    int n = 0;
                    try {
                        for (int i = client; running.get(); i += clients) {
                            int host = i % tokens.size();
                            byte[] body = bodies[changing ? (i / tokens.size()) % 2 : 0][host];
                            HttpRequest request = HttpRequest.newBuilder(endpoint)
                                    .header("Authorization", "Bearer " + tokens.get(host))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                            long t0 = System.nanoTime();
                            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                            long micros = (System.nanoTime() - t0) / 1_000;
                            if (r.statusCode() != 200) {
                                errors.incrementAndGet();
                            } else if (measuring.get() && n < mine.length) {
                                mine[n++] = micros;
                            }
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        samples.add(Arrays.copyOf(mine, n));
                        done.countDown();
                    }
                });
            }
        }

        void measure() {
            measuring.set(true);
        }

        List<Long> stop() throws InterruptedException {
            measuring.set(false);
            running.set(false);
            done.await();
            threads.shutdown();
            return samples.stream().flatMapToLong(Arrays::stream).boxed().toList();
        }
    }

    /** A team and {@code n} hosts with their host tokens, written in bulk; the tokens. */
    private static List<String> seed(Database db, int n) {
        List<String> tokens = new ArrayList<>(n);
        String[] ids = new String[n];
        byte[][] hashes = new byte[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = UUID.randomUUID().toString();
            String token = Tokens.generate("host");
            tokens.add(token);
            hashes[i] = Tokens.sha256(token);
        }
        db.jdbi().useTransaction(h -> {
            long team = h.createQuery("INSERT INTO teams (name, created_at) VALUES ('bench-' || floor(random() * 1e9),"
                    + " now()) RETURNING id").mapTo(Long.class).one();
            h.createUpdate("INSERT INTO hosts (id, team_id, hostname, status, status_since, registered_at) SELECT "
                    + "id, :team, 'bench-' || ord, 'online', now(), now() FROM unnest(CAST(:ids AS uuid[])) WITH "
                    + "ORDINALITY AS t(id, ord)").bind("team", team).bind("ids", ids).execute();
            var insert = h.prepareBatch("INSERT INTO tokens (kind, team_id, host_id, sha256, name, created_at) "
                    + "VALUES ('host', :team, CAST(:host AS uuid), :sha, 'bench', now())");
            for (int i = 0; i < n; i++) {
                insert.bind("team", team).bind("host", ids[i]).bind("sha", hashes[i]).add();
            }
            insert.execute();
        });
        return tokens;
    }

    /** Each host's heartbeat; {@code variant} 1 differs from 0 in one stack's status. */
    private static byte[][] bodies(int hosts, int stacks, int variant) throws IOException {
        ObjectMapper json = new ObjectMapper();
        byte[][] bodies = new byte[hosts][];
        String[] statuses = {"running", "running", "running", "paused", "stopped"};
        for (int h = 0; h < hosts; h++) {
            List<ReportedStack> report = new ArrayList<>(stacks);
            for (int s = 0; s < stacks; s++) {
                String status = s == 0 && variant == 1 ? "error" : statuses[(h + s) % statuses.length];
                report.add(new ReportedStack("stack-" + s, status, DETAIL));
            }
            bodies[h] = json.writeValueAsBytes(new Heartbeat(1, "bench", report, List.of()));
        }
        return bodies;
    }

    private static String setting(Database db, String name) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT current_setting(:n)").bind("n", name)
                .mapTo(String.class).one());
    }

    private static double percentile(List<Long> micros, double p) {
        if (micros.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = micros.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size()))) / 1000.0;
    }

    private static int intArg(String[] args, String name, int fallback) {
        String v = stringArg(args, name);
        return v == null ? fallback : Integer.parseInt(v);
    }

    private static String stringArg(String[] args, String name) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return null;
    }

    private static void log(String line) {
        System.out.println(Instant.now() + " bench: " + line);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
