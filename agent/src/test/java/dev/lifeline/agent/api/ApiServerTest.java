package dev.lifeline.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.agent.command.Command;
import dev.lifeline.agent.command.CommandResult;
import dev.lifeline.agent.recovery.UnknownStackException;
import dev.lifeline.agent.recovery.RecoveryPreview;
import dev.lifeline.agent.recovery.RecoveryReport;
import dev.lifeline.agent.report.StackReport;
import dev.lifeline.core.journal.JournalEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.lifeline.agent.backup.BackupBusyException;
import dev.lifeline.agent.backup.BackupService;
import dev.lifeline.agent.backup.JobView;
import dev.lifeline.agent.backup.RestoreService;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.repository.RepositorySnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local API over real HTTP on loopback, with an agent stand-in that records the commands it gets. */
class ApiServerTest {
    @TempDir
    Path dir;

    private final List<Command> commands = new ArrayList<>();
    private boolean ready = true;
    private ApiServer server;
    private String token;
    private final HttpClient http = HttpClient.newHttpClient();

    private final AgentOperations agent = new AgentOperations() {
        @Override
        public Readiness readiness() {
            return new Readiness(ready, ready ? "ready" : "recovering", "");
        }

        @Override
        public List<StackReport> stacks() {
            return List.of();
        }

        @Override
        public CommandResult execute(Command command) {
            if (!command.stack().value().equals("blog")) {
                throw new UnknownStackException(command.stack().value(), List.of("blog"));
            }
            commands.add(command);
            return new CommandResult("blog", "stop", true, "stopped");
        }

        @Override
        public Optional<RecoveryReport> lastRecovery() {
            return Optional.empty();
        }

        @Override
        public RecoveryPreview previewRecovery() {
            return new RecoveryPreview(false, List.of(), List.of(), List.of(), List.of());
        }

        @Override
        public List<JournalEvent> events(int limit) {
            return List.of();
        }

        @Override
        public String metrics() {
            return "lifeline_ready 1\n";
        }

        @Override
        public JobView startBackup(List<StackName> stacks) {
            if (busy) {
                throw new BackupBusyException("b1", "backup job b1 is running; one job at a time per host");
            }
            backupRequests.add(stacks);
            return null;
        }

        @Override
        public Optional<JobView> backupStatus(Optional<String> job) {
            return Optional.empty();
        }

        @Override
        public List<JobView> backupJobs(Optional<StackName> stack, int limit) {
            return List.of();
        }

        @Override
        public List<BackupService.DueStack> backupDue() {
            return List.of();
        }

        @Override
        public List<BackupService.PathReport> backupPaths() {
            return List.of();
        }

        @Override
        public List<RepositorySnapshot> backupSnapshots(Optional<StackName> stack) {
            return List.of();
        }

        @Override
        public RestoreService.RestoreResult restore(StackName stack, Optional<String> snapshot, Optional<Path> to,
                boolean stopStack) {
            restoreRequests.add(stack + " " + snapshot + " " + to + " " + stopStack);
            return new RestoreService.RestoreResult(stack.value(), "b1", List.of(), List.of(), false);
        }

        @Override
        public RestoreService.VerifyResult verify(StackName stack) {
            return new RestoreService.VerifyResult(stack.value(), "b1", "abc", true, 0, "", "ok");
        }
    };

    private boolean busy;
    private final List<List<StackName>> backupRequests = new ArrayList<>();
    private final List<String> restoreRequests = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        Path tokenFile = dir.resolve("api.token");
        ApiToken apiToken = ApiToken.loadOrCreate(tokenFile);
        token = Files.readString(tokenFile).trim();
        server = ApiServer.start(new InetSocketAddress("127.0.0.1", 0), agent, apiToken);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String auth, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theTokenFileIsPrivateAndKeptAcrossRestarts() throws IOException {
        Path tokenFile = dir.resolve("api.token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(token).hasSize(64);
        ApiToken.loadOrCreate(tokenFile);
        assertThat(Files.readString(tokenFile).trim()).isEqualTo(token);
    }

    @Test
    void everyRouteButTheProbesNeedsTheToken() throws Exception {
        assertThat(send("GET", "/health/live", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/stacks", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/stacks", "Bearer wrong", null).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/stacks/blog/stop", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/metrics", null, null).statusCode()).isEqualTo(401);
        assertThat(commands).isEmpty();
        assertThat(send("GET", "/stacks", "Bearer " + token, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", "Bearer " + token, null).body()).contains("lifeline_ready 1");
    }

    @Test
    void commandsReachTheAgentAndUnknownStacksAre404() throws Exception {
        HttpResponse<String> ok = send("POST", "/stacks/blog/stop", "Bearer " + token, null);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(commands).singleElement().isInstanceOf(Command.StopStack.class);
        HttpResponse<String> unknown = send("POST", "/stacks/nope/start", "Bearer " + token, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("unknown stack 'nope'").contains("blog");
    }

    @Test
    void malformedOversizedAndWrongMethodRequestsAreRefusedClearly() throws Exception {
        String auth = "Bearer " + token;
        assertThat(send("POST", "/stacks/-bad/stop", auth, null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/stacks/blog/stop", auth, null).statusCode()).isEqualTo(405);
        assertThat(send("GET", "/nowhere", auth, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/events?limit=lots", auth, null).statusCode()).isEqualTo(400);
        assertThat(send("POST", "/stacks/blog/stop", auth, new byte[ApiServer.MAX_BODY + 1]).statusCode())
                .isEqualTo(413);
        assertThat(commands).isEmpty();
    }

    @Test
    void backupRequestsAreParsedAndBadBodiesRefusedWithTheReason() throws Exception {
        String auth = "Bearer " + token;
        assertThat(send("POST", "/backup", auth, "{\"stacks\":[\"blog\",\"db\"]}".getBytes()).statusCode())
                .isEqualTo(202);
        assertThat(send("POST", "/backup", auth, null).statusCode()).isEqualTo(202);
        assertThat(backupRequests).containsExactly(List.of(StackName.of("blog"), StackName.of("db")), List.of());

        HttpResponse<String> typo = send("POST", "/backup", auth, "{\"stack\":[\"blog\"]}".getBytes());
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(typo.body()).contains("unknown field 'stack'");
        HttpResponse<String> broken = send("POST", "/backup", auth, "{\"stacks\":".getBytes());
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(send("POST", "/backup", auth, "{\"stacks\":[\"-bad\"]}".getBytes()).statusCode()).isEqualTo(400);
        assertThat(send("POST", "/backup", auth, new byte[ApiServer.MAX_BODY + 1]).statusCode()).isEqualTo(413);
        assertThat(send("GET", "/backup", auth, null).statusCode()).isEqualTo(405);
        assertThat(backupRequests).hasSize(2);

        busy = true;
        HttpResponse<String> second = send("POST", "/backup", auth, null);
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(second.body()).contains("\"job\":\"b1\"").contains("one job at a time");
    }

    @Test
    void restoreNeedsAStackAndAnAbsoluteTarget() throws Exception {
        String auth = "Bearer " + token;
        assertThat(send("POST", "/restore", auth, "{}".getBytes()).statusCode()).isEqualTo(400);
        HttpResponse<String> relative = send("POST", "/restore", auth,
                "{\"stack\":\"blog\",\"to\":\"here\"}".getBytes());
        assertThat(relative.statusCode()).isEqualTo(400);
        assertThat(relative.body()).contains("absolute");
        assertThat(restoreRequests).isEmpty();
        assertThat(send("POST", "/restore", auth,
                "{\"stack\":\"blog\",\"to\":\"/srv/r\",\"stopStack\":true}".getBytes()).statusCode())
                .isEqualTo(200);
        assertThat(restoreRequests).containsExactly("blog Optional.empty Optional[/srv/r] true");
        assertThat(send("GET", "/backup/status?job=nope", auth, null).statusCode()).isEqualTo(404);
    }

    @Test
    void commandsWaitForRecoveryToComplete() throws Exception {
        ready = false;
        HttpResponse<String> r = send("POST", "/stacks/blog/stop", "Bearer " + token, null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("not ready");
        assertThat(send("GET", "/health/ready", null, null).statusCode()).isEqualTo(503);
    }
}
