package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.lifeline.agent.api.Json;
import dev.lifeline.cli.backup.SampleJobs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup and restore commands against a stub of the agent's HTTP API: what the CLI sends (paths, queries,
 * bodies, token) and how it reads the answers (output, exit codes). This pins the CLI's side of the contract; it
 * does not test the agent.
 */
class BackupCliContractTest {
    static final ObjectMapper JSON = Json.mapper();

    @TempDir
    Path dataDir;

    StubAgent agent;

    @BeforeEach
    void start() throws IOException {
        agent = new StubAgent(dataDir);
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    private CliRunner.Run run(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--data-dir";
        all[args.length + 1] = dataDir.toString();
        return CliRunner.run(all);
    }

    private static String job(String id, String phase, String extra) {
        return "{\"job\":\"" + id + "\",\"phase\":\"" + phase + "\",\"path\":\"snapshot\",\"requestedStacks\":[\"db\"]"
                + ",\"createdAt\":\"2025-03-01T10:00:00Z\",\"finishedAt\":null,\"phases\":{},\"stacks\":[],"
                + "\"excluded\":[],\"progress\":null,\"uploads\":[],\"failure\":null,\"notes\":[]" + extra + "}";
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** Answers the given bodies one per call, repeating the last. */
    private static Function<StubAgent.Request, StubAgent.Answer> sequence(String... bodies) {
        AtomicInteger call = new AtomicInteger();
        return r -> new StubAgent.Answer(200, bodies[Math.min(call.getAndIncrement(), bodies.length - 1)]);
    }

    @Test
    void backupNowWaitJsonPollsUntilDoneAndPrintsOnlyTheFinalRecord() {
        agent.on("POST /backup", r -> new StubAgent.Answer(202, "{\"job\":\"j-1\",\"phase\":\"pending\"}"));
        String done = SampleJobs.DONE.replace("j-42", "j-1");
        agent.on("GET /backup/status", sequence(job("j-1", "pending", ""), job("j-1", "quiescing", ""),
                job("j-1", "uploading", ",\"x\":1").replace("\"progress\":null",
                        "\"progress\":{\"percent\":42.5,\"bytesDone\":1,\"bytesTotal\":2}"),
                done));

        CliRunner.Run r = run("backup", "now", "db", "app", "--wait", "--json", "--poll-interval", "5");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(tree(r.out())).isEqualTo(tree(done));
        assertThat(r.out().strip()).startsWith("{").endsWith("}");
        StubAgent.Request post = agent.received.get(0);
        assertThat(post.method() + " " + post.uri()).isEqualTo("POST /backup");
        assertThat(post.contentType()).isEqualTo("application/json");
        assertThat(tree(post.body())).isEqualTo(tree("{\"stacks\":[\"db\",\"app\"]}"));
        List<StubAgent.Request> polls = agent.received.subList(1, agent.received.size());
        assertThat(polls).hasSize(4).allSatisfy(p -> assertThat(p.method() + " " + p.uri())
                .isEqualTo("GET /backup/status?job=j-1"));
        assertThat(agent.received).allSatisfy(p -> assertThat(p.auth()).isEqualTo("Bearer " + StubAgent.TOKEN));
    }

    @Test
    void backupNowWithoutStacksAsksForEveryStackAndSaysHowToFollowTheJob() {
        agent.on("POST /backup", r -> new StubAgent.Answer(202, "{\"job\":\"j-7\",\"phase\":\"pending\"}"));

        CliRunner.Run r = run("backup", "now");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("backup job j-7 started; follow it with 'lifeline backup status j-7'\n");
        assertThat(tree(agent.received.get(0).body())).isEqualTo(tree("{\"stacks\":[]}"));
        assertThat(agent.received).hasSize(1); // no --wait: no polling
    }

    @Test
    void aFailedJobExitsOneWithTheReasonOnStderrAfterOneLinePerPhase() {
        agent.on("POST /backup", r -> new StubAgent.Answer(202, "{\"job\":\"j-2\",\"phase\":\"pending\"}"));
        agent.on("GET /backup/status", sequence(job("j-2", "quiescing", ""), job("j-2", "quiescing", ""),
                job("j-2", "failed", "").replace("\"failure\":null",
                        "\"failure\":\"repository is locked by another process\"")));

        CliRunner.Run r = run("backup", "now", "db", "--wait", "--poll-interval", "5");

        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).isEqualTo("lifeline: backup job j-2 failed: repository is locked by another process\n");
        // Not a terminal: one line per phase change, no progress bar.
        assertThat(r.out().lines().toList()).hasSize(3).satisfies(lines -> {
            assertThat(lines.get(0)).isEqualTo("backup job j-2 started");
            assertThat(lines.get(1)).startsWith("backup job j-2: quiescing (elapsed ");
            assertThat(lines.get(2)).startsWith("backup job j-2: failed (elapsed ");
        });
        assertThat(r.out()).doesNotContain("\r");
    }

    @Test
    void aFailedJobWithJsonStillPrintsTheRecordAndExitsOne() {
        agent.on("POST /backup", r -> new StubAgent.Answer(202, "{\"job\":\"j-3\",\"phase\":\"pending\"}"));
        String failed = job("j-3", "failed", "").replace("\"failure\":null", "\"failure\":\"disk full\"");
        agent.on("GET /backup/status", sequence(failed));

        CliRunner.Run r = run("backup", "now", "--wait", "--json", "--poll-interval", "5");

        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(tree(r.out())).isEqualTo(tree(failed));
        assertThat(r.err()).contains("lifeline: backup job j-3 failed: disk full");
    }

    @Test
    void restoreOfARunningStackWithoutStopIsRefusedWithTheAgentsMessage() {
        String message = "stack 'db' is running; pass --stop to stop it for the restore, or --to DIR to restore beside it";
        agent.on("POST /restore", r -> new StubAgent.Answer(409, JSON.createObjectNode().put("error", message)
                .toString()));

        CliRunner.Run r = run("restore", "db");

        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).isEqualTo("lifeline: restore db: " + message + "\n");
        assertThat(tree(agent.received.get(0).body()))
                .isEqualTo(tree("{\"stack\":\"db\",\"snapshot\":null,\"to\":null,\"stopStack\":false}"));
    }

    @Test
    void restoreSendsTheSnapshotStopAndAnAbsoluteTargetAndReportsWhatItDid() {
        agent.on("POST /restore", r -> new StubAgent.Answer(200, """
                {"stack":"db","job":"r-1","restored":[{"source":"/srv/db","target":"/srv/db","snapshotId":"abc123"}],
                 "previousData":["/srv/db.lifeline-replaced-r-1"],"restarted":true}
                """));

        CliRunner.Run r = run("restore", "db", "--snapshot", "abc123", "--to", "restored/../here", "--stop");

        assertThat(r.code()).as(r.err()).isZero();
        String absolute = Path.of("here").toAbsolutePath().toString();
        assertThat(tree(agent.received.get(0).body())).isEqualTo(tree(JSON.createObjectNode().put("stack", "db")
                .put("snapshot", "abc123").put("to", absolute).put("stopStack", true).toString()));
        assertThat(r.out()).isEqualTo("restored /srv/db -> /srv/db (snapshot abc123)\n"
                + "the replaced data is kept in /srv/db.lifeline-replaced-r-1\ndb restarted\n");
    }

    @Test
    void restoreJsonPrintsTheAgentsAnswer() {
        String answer = "{\"stack\":\"db\",\"job\":\"r-2\",\"restored\":[],\"previousData\":[],\"restarted\":false}";
        agent.on("POST /restore", r -> new StubAgent.Answer(200, answer));
        CliRunner.Run r = run("restore", "db", "--json");
        assertThat(r.code()).isZero();
        assertThat(tree(r.out())).isEqualTo(tree(answer));
    }

    @Test
    void anUnknownStackIsBadUsageWithTheAgentsMessage() {
        agent.on("POST /backup/verify", r -> new StubAgent.Answer(404, "{\"error\":\"unknown stack 'nosuch'\"}"));

        CliRunner.Run r = run("backup", "verify", "nosuch");

        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).isEqualTo("lifeline: verify nosuch: unknown stack 'nosuch'\n");
        assertThat(tree(agent.received.get(0).body())).isEqualTo(tree("{\"stack\":\"nosuch\"}"));
    }

    @Test
    void aRequestTheAgentCallsMalformedIsBadUsage() {
        agent.on("GET /backup/jobs", r -> new StubAgent.Answer(400, "{\"error\":\"limit must be at most 1000\"}"));
        CliRunner.Run r = run("backup", "jobs", "--limit", "5000");
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).isEqualTo("lifeline: backup jobs: limit must be at most 1000\n");
    }

    @Test
    void otherErrorAnswersAreFailures() {
        for (int status : new int[] {401, 503, 507, 413}) {
            agent.on("POST /backup", r -> new StubAgent.Answer(status, "{\"error\":\"no (" + status + ")\"}"));
            CliRunner.Run r = run("backup", "now", "db");
            assertThat(r.code()).as("status " + status).isEqualTo(Main.FAILED);
            assertThat(r.err()).isEqualTo("lifeline: backup: no (" + status + ")\n");
        }
    }

    @Test
    void verifyExitsZeroWhenTheRestoreTestPassesAndOneWhenItFails() {
        agent.on("POST /backup/verify", sequence(
                "{\"stack\":\"db\",\"job\":\"j-1\",\"snapshot\":\"abc\",\"passed\":true,\"exitCode\":0,\"output\":\"ok\","
                        + "\"detail\":\"pg_restore check passed\"}",
                "{\"stack\":\"db\",\"job\":\"j-1\",\"snapshot\":\"abc\",\"passed\":false,\"exitCode\":2,"
                        + "\"output\":\"relation missing\",\"detail\":\"the check exited 2\"}"));

        CliRunner.Run passed = run("backup", "verify", "db");
        assertThat(passed.code()).isZero();
        assertThat(passed.out()).startsWith("db: restore test passed (snapshot abc, job j-1)\n");

        CliRunner.Run failed = run("backup", "verify", "db");
        assertThat(failed.code()).isEqualTo(Main.FAILED);
        assertThat(failed.err()).startsWith("lifeline: verify db: restore test failed (snapshot abc, job j-1, exit code 2)")
                .contains("relation missing");
        assertThat(failed.out()).isEmpty();
    }

    @Test
    void badUsageExitsTwoWithoutAskingTheAgent() {
        CliRunner.Run noStack = run("restore");
        assertThat(noStack.code()).isEqualTo(Main.USAGE);
        assertThat(noStack.err()).contains("STACK");
        assertThat(run("backup").code()).isEqualTo(Main.USAGE);
        assertThat(run("backup", "frobnicate").code()).isEqualTo(Main.USAGE);
        assertThat(run("backup", "verify").code()).isEqualTo(Main.USAGE);
        CliRunner.Run badName = run("backup", "now", "db", "no such/stack");
        assertThat(badName.code()).isEqualTo(Main.USAGE);
        assertThat(badName.err()).contains("'no such/stack' is not a valid stack name");
        assertThat(run("restore", "no such/stack").code()).isEqualTo(Main.USAGE);
        assertThat(run("backup", "jobs", "--limit", "0").code()).isEqualTo(Main.USAGE);
        assertThat(agent.received).isEmpty();
    }

    @Test
    void statusListJobsAndDueAskTheDocumentedPathsAndRender() {
        agent.on("GET /backup/status", r -> new StubAgent.Answer(200, SampleJobs.DONE));
        agent.on("GET /backup/snapshots", r -> new StubAgent.Answer(200, """
                {"snapshots":[{"id":"abc123ffff","shortId":"abc123","time":"2025-03-01T10:00:03Z","stack":"db",
                 "job":"j-42","source":"/srv/db","mount":"/var/lib/postgresql/data","host":"h1"}]}
                """));
        agent.on("GET /backup/jobs", r -> new StubAgent.Answer(200, "{\"jobs\":[" + SampleJobs.DONE + "]}"));
        agent.on("GET /backup/due", r -> new StubAgent.Answer(200, """
                {"stacks":[{"stack":"db","schedule":"0 3 * * *","due":false,"lastSuccess":"2025-03-01T03:00:00Z",
                 "lastFailure":null,"nextRun":"2025-03-02T03:00:00Z"}]}
                """));

        CliRunner.Run status = run("backup", "status");
        CliRunner.Run statusOf = run("backup", "status", "j-42");
        CliRunner.Run list = run("backup", "list", "db");
        CliRunner.Run listAll = run("backup", "list");
        CliRunner.Run jobs = run("backup", "jobs", "db", "--limit", "5");
        CliRunner.Run jobsAll = run("backup", "jobs");
        CliRunner.Run due = run("backup", "due");

        assertThat(agent.received.stream().map(q -> q.method() + " " + q.uri()).toList()).containsExactly(
                "GET /backup/status", "GET /backup/status?job=j-42", "GET /backup/snapshots?stack=db",
                "GET /backup/snapshots", "GET /backup/jobs?stack=db&limit=5", "GET /backup/jobs?limit=20",
                "GET /backup/due");
        for (CliRunner.Run r : List.of(status, statusOf, list, listAll, jobs, jobsAll, due)) {
            assertThat(r.code()).as(r.err()).isZero();
        }
        assertThat(status.out()).contains("j-42").contains("DOWNTIME").contains("abc123");
        assertThat(list.out()).contains("j-42").contains("abc123").contains("/var/lib/postgresql/data");
        assertThat(jobs.out()).containsPattern("j-42 .* done +db,app +2.3s");
        assertThat(due.out()).containsPattern("db +0 3 \\* \\* \\* +no");
        assertThat(tree(run("backup", "due", "--json").out()).get("stacks").get(0).get("stack").asText())
                .isEqualTo("db");
    }

    @Test
    void aJobIdIsSentQueryEncoded() {
        agent.on("GET /backup/status", r -> new StubAgent.Answer(404, "{\"error\":\"no backup job 'a b&c'\"}"));
        CliRunner.Run r = run("backup", "status", "a b&c");
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).isEqualTo("lifeline: backup job a b&c: no backup job 'a b&c'\n");
        assertThat(agent.received.get(0).uri()).isEqualTo("/backup/status?job=a+b%26c");
    }

    /** A loopback HTTP server that answers like the agent would, found through a data dir like the agent's. */
    static final class StubAgent implements AutoCloseable {
        static final String TOKEN = "stub-token-123";

        record Request(String method, String uri, String body, String auth, String contentType) {}

        record Answer(int status, String body) {}

        final List<Request> received = new CopyOnWriteArrayList<>();
        private final Map<String, Function<Request, Answer>> routes = new ConcurrentHashMap<>();
        private final HttpServer server;

        StubAgent(Path dataDir) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", ex -> {
                try (ex) {
                    Request request = new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath()
                            + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()),
                            new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                            ex.getRequestHeaders().getFirst("Authorization"),
                            ex.getRequestHeaders().getFirst("Content-Type"));
                    received.add(request);
                    Function<Request, Answer> route = routes.get(request.method() + " "
                            + ex.getRequestURI().getRawPath());
                    Answer answer = !("Bearer " + TOKEN).equals(request.auth())
                            ? new Answer(401, "{\"error\":\"missing or wrong bearer token\"}")
                            : route == null ? new Answer(404, "{\"error\":\"stub: no route for " + request.method()
                                    + " " + request.uri() + "\"}") : route.apply(request);
                    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    ex.sendResponseHeaders(answer.status(), body.length);
                    ex.getResponseBody().write(body);
                }
            });
            server.start();
            Files.writeString(dataDir.resolve("agent.address"),
                    "http://127.0.0.1:" + server.getAddress().getPort() + "\n");
            Files.writeString(dataDir.resolve("api.token"), TOKEN + "\n");
        }

        void on(String methodAndPath, Function<Request, Answer> answer) {
            routes.put(methodAndPath, answer);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
