package dev.lifeline.control.agentapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lifeline.agent.control.ControlPlaneException;
import dev.lifeline.agent.control.HttpControlPlaneClient;
import dev.lifeline.control.auth.Tokens;
import dev.lifeline.control.command.SubmittedCommand;
import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.fleet.wire.AgentCommand;
import dev.lifeline.core.fleet.wire.CommandResult;
import dev.lifeline.core.fleet.wire.Heartbeat;
import dev.lifeline.core.fleet.wire.HeartbeatResponse;
import dev.lifeline.core.fleet.wire.PendingCommands;
import dev.lifeline.core.fleet.wire.RegisterRequest;
import dev.lifeline.core.fleet.wire.RegisterResponse;
import dev.lifeline.core.fleet.wire.ReportedStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent protocol over real HTTP, on a real PostgreSQL, with the agent's own client. */
class AgentProtocolTest {
    private static final List<ReportedStack> REPORT = List.of(new ReportedStack("web", "running", "2/2 containers up"),
            new ReportedStack("db", "stopped", "stopped by the user"));

    private ControlPlaneServer server;
    private Fleet fleet;
    private HttpControlPlaneClient client;
    private long team;

    @BeforeEach
    void start() {
        server = ControlPlaneServer.start(Duration.ofSeconds(30));
        fleet = server.fleet();
        client = new HttpControlPlaneClient(server.url(), Optional.empty());
        team = fleet.team("default");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** On a thread of its own (the common pool has one thread on a 2-core machine, and may be busy). */
    private static <T> CompletableFuture<T> inBackground(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private RegisterResponse join(String hostname) {
        return client.register(new RegisterRequest(fleet.joinToken(team), hostname, "1.0"));
    }

    @Test
    void aJoinTokenRegistersOneHostOnceAndOnlyTheHostTokensHashIsStored() {
        String joinToken = fleet.joinToken(team);
        RegisterResponse joined = client.register(new RegisterRequest(joinToken, "node-1", "1.0"));

        assertThat(joined.hostToken()).startsWith("llc_host_");
        assertThat(joined.heartbeatIntervalMs()).isEqualTo(30_000);
        UUID host = UUID.fromString(joined.hostId());
        assertThat(fleet.host(host)).containsEntry("status", "online").containsEntry("agent_version", "1.0");
        byte[] stored = server.db().jdbi().withHandle(h -> h.createQuery(
                "SELECT sha256 FROM tokens WHERE host_id = :h").bind("h", host).mapTo(byte[].class).one());
        assertThat(stored).isEqualTo(Tokens.sha256(joined.hostToken()));
        assertThat(fleet.audit("host_registered")).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("host_id", host).containsEntry("outcome", "ok"));

        Map<String, Long> before = fleet.counts();
        assertThatThrownBy(() -> client.register(new RegisterRequest(joinToken, "node-2", "1.0")))
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.kind())
                        .isEqualTo(ControlPlaneException.Kind.UNAUTHORIZED))
                .hasMessageContaining("used already");
        assertThat(fleet.counts()).isEqualTo(before);
    }

    @Test
    void aHeartbeatStoresTheFullReportAndAnswersTheCommandsUntilTheirResultArrives() {
        RegisterResponse joined = join("node-1");
        UUID host = UUID.fromString(joined.hostId());
        fleet.workload(host, "web", WorkloadStatus.RUNNING);
        SubmittedCommand stop = server.api().commands().submit(team, host, "web", CommandKind.STOP, "alice",
                "maintenance");

        HeartbeatResponse first = client.heartbeat(joined.hostToken(), new Heartbeat(1, "1.1", REPORT, List.of()));
        assertThat(first.commands()).containsExactly(new AgentCommand(stop.id().toString(), "stop", "web"));
        assertThat(fleet.host(host)).containsEntry("report_seq", 1L).containsEntry("agent_version", "1.1");
        assertThat((String) fleet.host(host).get("report")).contains("\"name\": \"web\"").contains("\"db\"");
        assertThat(fleet.command(stop.id())).containsEntry("state", "delivered");

        // not acknowledged yet: delivered again
        Object firstBeat = fleet.host(host).get("last_heartbeat_at");
        HeartbeatResponse second = client.heartbeat(joined.hostToken(), new Heartbeat(2, "1.1", REPORT, List.of()));
        assertThat(second.commands()).extracting(AgentCommand::id).containsExactly(stop.id().toString());
        // the same report again: the heartbeat counts, but it is no news
        assertThat(fleet.host(host)).containsEntry("report_seq", 1L)
                .hasEntrySatisfying("last_heartbeat_at", at -> assertThat(at).isNotEqualTo(firstBeat));

        CommandResult done = new CommandResult(stop.id().toString(), true, null);
        List<ReportedStack> stopped = List.of(new ReportedStack("web", "stopped", "stopped by the user"),
                REPORT.get(1));
        HeartbeatResponse third = client.heartbeat(joined.hostToken(), new Heartbeat(3, "1.1", stopped, List.of(done)));
        assertThat(third.commands()).isEmpty();
        assertThat(third.acknowledgedResults()).containsExactly(stop.id().toString());
        assertThat(fleet.command(stop.id())).containsEntry("state", "done");
        assertThat(fleet.host(host)).containsEntry("report_seq", 2L);
        assertThat((String) fleet.host(host).get("report")).contains("\"status\": \"stopped\"");
        assertThat(fleet.audit("command_result")).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("outcome", "ok").containsEntry("workload", "web").containsEntry("actor", "agent"));

        // the agent sends it again (the acknowledgement was lost): acknowledged again, audited once
        HeartbeatResponse again = client.heartbeat(joined.hostToken(), new Heartbeat(4, "1.1", REPORT, List.of(done)));
        assertThat(again.acknowledgedResults()).containsExactly(stop.id().toString());
        assertThat(fleet.audit("command_result")).hasSize(1);
    }

    @Test
    void aFailedResultIsAuditedAsAnErrorWithItsText() {
        RegisterResponse joined = join("node-1");
        UUID host = UUID.fromString(joined.hostId());
        fleet.workload(host, "web", WorkloadStatus.STOPPED);
        SubmittedCommand start = server.api().commands().submit(team, host, "web", CommandKind.START, "alice", "go");

        client.heartbeat(joined.hostToken(), new Heartbeat(1, "1.0", REPORT, List.of(
                new CommandResult(start.id().toString(), false, "image not found"))));

        assertThat(fleet.command(start.id())).containsEntry("state", "failed").containsEntry("error",
                "image not found");
        assertThat(fleet.audit("command_result")).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("outcome", "error").containsEntry("error", "image not found"));
    }

    @Test
    void anUnreachableHostThatHeartbeatsIsOnlineAuditedAndTheMonitorIsToldAtOnce() {
        RegisterResponse joined = join("node-1");
        UUID host = UUID.fromString(joined.hostId());
        client.heartbeat(joined.hostToken(), new Heartbeat(1, "1.0", REPORT, List.of()));
        fleet.setHostStatus(host, "unreachable");

        client.heartbeat(joined.hostToken(), new Heartbeat(2, "1.0", REPORT, List.of()));

        // the same report as before the silence, but news: the missing workloads are reconciled against it
        assertThat(fleet.host(host)).containsEntry("status", "online").containsEntry("report_seq", 2L);
        assertThat(fleet.audit("host_online")).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("before_status", "unreachable").containsEntry("after_status", "online"));
        assertThat(server.hostsBack()).containsExactly(host);

        client.heartbeat(joined.hostToken(), new Heartbeat(3, "1.0", REPORT, List.of()));
        assertThat(server.hostsBack()).containsExactly(host);
        assertThat(fleet.audit("host_online")).hasSize(1);
        assertThat(fleet.host(host)).containsEntry("report_seq", 2L);
    }

    @Test
    void aChangedReportAddsItsChangedStacksToTheHostsChangeListAndAHostBackIsComparedWhole() {
        RegisterResponse joined = join("node-1");
        UUID host = UUID.fromString(joined.hostId());
        client.heartbeat(joined.hostToken(), new Heartbeat(1, "1.0", REPORT, List.of()));
        assertThat(fleet.reportChanges(host)).as("nothing to compare the first report with").isNull();
        fleet.reconciled(host);

        List<ReportedStack> webStopped = List.of(new ReportedStack("web", "stopped", "stopped by the user"),
                REPORT.get(1));
        client.heartbeat(joined.hostToken(), new Heartbeat(2, "1.0", webStopped, List.of()));
        assertThat(fleet.reportChanges(host)).containsExactly("web");
        client.heartbeat(joined.hostToken(), new Heartbeat(3, "1.0", webStopped, List.of()));
        assertThat(fleet.reportChanges(host)).as("the same report again").containsExactly("web");

        List<ReportedStack> dbGoneCacheNew = List.of(webStopped.get(0),
                new ReportedStack("cache", "running", "1/1 containers up"));
        client.heartbeat(joined.hostToken(), new Heartbeat(4, "1.0", dbGoneCacheNew, List.of()));
        assertThat(fleet.reportChanges(host)).as("added to what the monitor has not reconciled yet")
                .containsExactlyInAnyOrder("web", "cache", "db");

        fleet.reconciled(host);
        fleet.setHostStatus(host, "unreachable");
        client.heartbeat(joined.hostToken(), new Heartbeat(5, "1.0", dbGoneCacheNew, List.of()));
        assertThat(fleet.reportChanges(host)).as("what happened during the silence is not known").isNull();
    }

    @Test
    void anotherReplicaHearsOfAHostBackThroughTheNotification() {
        try (ControlPlaneServer other = ControlPlaneServer.replica(server.db(), Duration.ofSeconds(30), "replica-b")) {
            RegisterResponse joined = join("node-1");
            UUID host = UUID.fromString(joined.hostId());
            fleet.setHostStatus(host, "unreachable");

            client.heartbeat(joined.hostToken(), new Heartbeat(1, "1.0", REPORT, List.of()));

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(other.hostsBack()).contains(host));
            assertThat(server.hostsBack()).containsExactly(host);
        }
    }

    @Test
    void aReportStoredMeanwhileByAnotherReplicaIsReplacedEvenWhenThisReplicaStoredTheSameBefore() {
        try (ControlPlaneServer other = ControlPlaneServer.replica(server.db(), Duration.ofSeconds(30), "replica-b")) {
            RegisterResponse joined = join("node-1");
            UUID host = UUID.fromString(joined.hostId());
            HttpControlPlaneClient toOther = new HttpControlPlaneClient(other.url(), Optional.empty());
            List<ReportedStack> paused = List.of(new ReportedStack("web", "paused", "1/1 containers paused"));

            client.heartbeat(joined.hostToken(), new Heartbeat(1, "1.0", REPORT, List.of()));
            toOther.heartbeat(joined.hostToken(), new Heartbeat(2, "1.0", paused, List.of()));
            assertThat((String) fleet.host(host).get("report")).contains("paused");
            client.heartbeat(joined.hostToken(), new Heartbeat(3, "1.0", REPORT, List.of()));

            assertThat((String) fleet.host(host).get("report")).doesNotContain("paused").contains("\"db\"");
            assertThat(fleet.host(host)).containsEntry("report_seq", 3L);
        }
    }

    @Test
    void aHostsTokenWritesOnlyItsOwnReportAndCannotFinishAnotherHostsCommand() {
        RegisterResponse a = join("node-a");
        RegisterResponse b = join("node-b");
        UUID hostB = UUID.fromString(b.hostId());
        fleet.workload(hostB, "web", WorkloadStatus.RUNNING);
        SubmittedCommand forB = server.api().commands().submit(team, hostB, "web", CommandKind.STOP, "alice", "x");

        HeartbeatResponse answer = client.heartbeat(a.hostToken(), new Heartbeat(1, "1.0", REPORT, List.of(
                new CommandResult(forB.id().toString(), true, null))));

        assertThat(answer.commands()).isEmpty();
        assertThat(fleet.host(hostB)).containsEntry("report_seq", 0L);
        assertThat(fleet.host(UUID.fromString(a.hostId()))).containsEntry("report_seq", 1L);
        assertThat(fleet.command(forB.id())).containsEntry("state", "pending");
        assertThat(fleet.audit("command_result")).isEmpty();
    }

    @Test
    void withTheDatabaseGoneAHeartbeatIsRefusedAsUnavailableSoTheAgentSendsItAgainLater() {
        RegisterResponse joined = join("node-1");
        client.heartbeat(joined.hostToken(), new Heartbeat(1, "1.0", REPORT, List.of()));
        server.db().close();

        assertThatThrownBy(() -> client.heartbeat(joined.hostToken(), new Heartbeat(2, "1.0", REPORT, List.of())))
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.kind())
                        .isEqualTo(ControlPlaneException.Kind.UNREACHABLE))
                .hasMessageContaining("HTTP 503").hasMessageContaining("send it again later");
    }

    @Test
    void aWrongTokenIsRefusedWith401AndNothingIsWritten() {
        String joinToken = fleet.joinToken(team);
        RawHttp raw = new RawHttp(server.url());
        Map<String, Long> before = fleet.counts();
        String body = "{\"sequence\":1,\"agentVersion\":\"1\",\"stacks\":[],\"results\":[]}";
        for (String token : new String[] {null, "", "llc_host_doesnotexist", joinToken}) {
            assertThat(raw.post("/v1/agent/heartbeat", token, body).status()).as("token " + token).isEqualTo(401);
            assertThat(raw.get("/v1/agent/commands?waitMs=0", token).status()).isEqualTo(401);
        }
        assertThat(fleet.counts()).isEqualTo(before);
    }

    @Test
    void malformedAndOversizedRequestsAreRefusedWith4xxAndNothingIsWritten() throws Exception {
        RegisterResponse joined = join("node-1");
        String token = joined.hostToken();
        RawHttp raw = new RawHttp(server.url());
        Map<String, Long> before = fleet.counts();

        Map<String, String> heartbeats = Map.ofEntries(
                Map.entry("empty body", ""),
                Map.entry("not json", "{stacks: nope"),
                Map.entry("an array", "[]"),
                Map.entry("no stacks (would read as every stack gone)", "{\"sequence\":1,\"results\":[]}"),
                Map.entry("unknown field", "{\"sequence\":1,\"stacks\":[],\"hostId\":\"x\"}"),
                Map.entry("missing status", "{\"sequence\":1,\"stacks\":[{\"name\":\"web\"}]}"),
                Map.entry("status missing from a host", "{\"sequence\":1,\"stacks\":[{\"name\":\"web\",\"status\":"
                        + "\"missing\"}]}"),
                Map.entry("unknown status", "{\"sequence\":1,\"stacks\":[{\"name\":\"web\",\"status\":\"zombie\"}]}"),
                Map.entry("bad name", "{\"sequence\":1,\"stacks\":[{\"name\":\"../etc\",\"status\":\"running\"}]}"),
                Map.entry("twice the same stack", "{\"sequence\":1,\"stacks\":[{\"name\":\"a\",\"status\":\"running\"}"
                        + ",{\"name\":\"a\",\"status\":\"stopped\"}]}"),
                Map.entry("negative sequence", "{\"sequence\":-1,\"stacks\":[]}"),
                Map.entry("detail too long", "{\"sequence\":1,\"stacks\":[{\"name\":\"a\",\"status\":\"running\","
                        + "\"detail\":\"" + "x".repeat(1001) + "\"}]}"),
                Map.entry("result without a command id", "{\"sequence\":1,\"stacks\":[],\"results\":[{\"ok\":true}]}"),
                Map.entry("result for a bad id", "{\"sequence\":1,\"stacks\":[],\"results\":[{\"commandId\":\"1; "
                        + "DROP TABLE commands\",\"ok\":true}]}"));
        heartbeats.forEach((what, body) -> {
            RawHttp.Answer a = raw.post("/v1/agent/heartbeat", token, body);
            assertThat(a.status()).as(what + ": " + a.body()).isEqualTo(400);
            assertThat(a.body()).as(what).contains("\"error\"");
        });
        String many = "{\"sequence\":1,\"stacks\":[" + String.join(",", IntStream.range(0, 2001)
                .mapToObj(i -> "{\"name\":\"s" + i + "\",\"status\":\"running\"}").toList()) + "]}";
        assertThat(raw.post("/v1/agent/heartbeat", token, many).status()).isEqualTo(400);

        byte[] huge = ("{\"sequence\":1,\"stacks\":[],\"agentVersion\":\"" + "x".repeat(1024 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(raw.post("/v1/agent/heartbeat", token, huge).status()).isEqualTo(413);
        assertThat(raw.postDeclaring("/v1/agent/heartbeat", token, 50L * 1024 * 1024)).isEqualTo(413);

        assertThat(raw.post("/v1/agent/register", null, "{\"joinToken\":\"" + fleet.joinToken(team)
                + "\",\"hostname\":\"bad host name\"}").status()).isEqualTo(400);
        assertThat(raw.post("/v1/agent/register", null, "{\"joinToken\":\"x\",\"hostname\":\"h\",\"agentVersion\":\""
                + "v".repeat(20_000) + "\"}").status()).isEqualTo(413);
        assertThat(raw.get("/v1/agent/commands?waitMs=30001", token).status()).isEqualTo(400);
        assertThat(raw.get("/v1/agent/commands?waitMs=soon", token).status()).isEqualTo(400);
        assertThat(raw.get("/v1/agent/commands?waitMs=0&known=nope", token).status()).isEqualTo(400);

        Map<String, Long> after = fleet.counts();
        // the join token minted for the bad registration is the only new row
        assertThat(after.get("tokens")).isEqualTo(before.get("tokens") + 1);
        assertThat(Map.copyOf(withoutTokens(after))).isEqualTo(withoutTokens(before));
    }

    private static Map<String, Long> withoutTokens(Map<String, Long> counts) {
        Map<String, Long> rest = new HashMap<>(counts);
        rest.remove("tokens");
        return rest;
    }

    @Test
    void theLongPollAnswersAtOnceWhenACommandWaitsAndOtherwiseWhenOneIsQueued() throws Exception {
        RegisterResponse joined = join("node-1");
        UUID host = UUID.fromString(joined.hostId());
        fleet.workload(host, "web", WorkloadStatus.RUNNING);
        fleet.workload(host, "db", WorkloadStatus.RUNNING);

        SubmittedCommand waiting = server.api().commands().submit(team, host, "web", CommandKind.PAUSE, "alice", "x");
        assertThat(client.awaitCommands(joined.hostToken(), Duration.ofSeconds(25), List.of()).commands())
                .extracting(AgentCommand::id).containsExactly(waiting.id().toString());
        // the answer was lost (the agent does not name it as known): answered again at once
        assertThat(client.awaitCommands(joined.hostToken(), Duration.ofSeconds(25), List.of()).commands())
                .extracting(AgentCommand::id).containsExactly(waiting.id().toString());

        // the agent has it now: the long-poll waits for a new one rather than answering the same again
        List<String> known = List.of(waiting.id().toString());
        CompletableFuture<PendingCommands> poll = inBackground(
                () -> client.awaitCommands(joined.hostToken(), Duration.ofSeconds(25), known));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.api().waitingLongPolls() == 1);
        assertThat(poll).isNotDone();
        SubmittedCommand next = server.api().commands().submit(team, host, "db", CommandKind.STOP, "bob", "y");
        assertThat(poll.get(20, TimeUnit.SECONDS).commands()).extracting(AgentCommand::id)
                .containsExactly(next.id().toString());

        assertThat(client.awaitCommands(joined.hostToken(), Duration.ofMillis(200), List.of(waiting.id().toString(),
                next.id().toString())).commands()).isEmpty();
        // the heartbeat still delivers both until their results arrive
        assertThat(client.heartbeat(joined.hostToken(), new Heartbeat(1, "1.0", REPORT, List.of())).commands())
                .extracting(AgentCommand::id).containsExactly(waiting.id().toString(), next.id().toString());
    }

    @Test
    void theLongPollOfAnotherReplicaIsWokenByTheNotification() throws Exception {
        try (ControlPlaneServer other = ControlPlaneServer.replica(server.db(), Duration.ofSeconds(30), "replica-b")) {
            RegisterResponse joined = join("node-1");
            UUID host = UUID.fromString(joined.hostId());
            fleet.workload(host, "web", WorkloadStatus.RUNNING);
            HttpControlPlaneClient toOther = new HttpControlPlaneClient(other.url(), Optional.empty());

            CompletableFuture<PendingCommands> poll = inBackground(
                    () -> toOther.awaitCommands(joined.hostToken(), Duration.ofSeconds(25), List.of()));
            await().atMost(Duration.ofSeconds(10)).until(() -> other.api().waitingLongPolls() == 1);
            SubmittedCommand stop = server.api().commands().submit(team, host, "web", CommandKind.STOP, "alice", "x");

            assertThat(poll.get(20, TimeUnit.SECONDS).commands()).extracting(AgentCommand::id)
                    .containsExactly(stop.id().toString());
        }
    }
}
