package dev.lifeline.cli.fleet;

import static dev.lifeline.control.store.SqlTime.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.cli.CliRunner;
import dev.lifeline.cli.CliRunner.Run;
import dev.lifeline.control.ControlPlane;
import dev.lifeline.control.config.ControlConfigLoader;
import dev.lifeline.control.http.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifeline hosts|workloads|audit} and {@code control join-token} against a real control plane on its
 * embedded PostgreSQL, found through its data dir as on the control plane's own machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetCliTest {
    private ControlPlane plane;
    private Path dataDir;
    private UUID web;

    @BeforeAll
    void start(@TempDir Path dir) {
        dataDir = dir.resolve("control");
        plane = ControlPlane.start(ControlConfigLoader.load(Map.of("data-dir", dataDir.toString(), "listen",
                "127.0.0.1:0"), Map.of(), dataDir), ControlPlane.fleetParts(), InstantSource.system());
        Jdbi jdbi = plane.database().jdbi();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long team = jdbi.withHandle(h -> h.createQuery("SELECT id FROM teams WHERE name = 'default'")
                .mapTo(Long.class).one());
        web = UUID.randomUUID();
        UUID db = UUID.randomUUID();
        jdbi.useHandle(h -> {
            h.createUpdate("INSERT INTO hosts (id, team_id, hostname, status, status_since, agent_version, "
                    + "registered_at, last_heartbeat_at) VALUES (:web, :team, 'web-1', 'online', :now, '0.1.0', :now, "
                    + ":now), (:db, :team, 'db-1', 'unreachable', :now, '0.1.0', :now, :old)").bind("web", web)
                    .bind("db", db).bind("team", team).bind("now", at(now)).bind("old", at(now.minusSeconds(600)))
                    .execute();
            h.createUpdate("INSERT INTO workloads (host_id, team_id, name, status, status_since, last_updated, detail)"
                    + " VALUES (:web, :team, 'shop', 'running', :now, :now, '3/3 containers up'), (:db, :team, "
                    + "'postgres', 'missing', :now, :now, NULL)").bind("web", web).bind("db", db).bind("team", team)
                    .bind("now", at(now)).execute();
            h.createUpdate("INSERT INTO audit_events (at, team_id, host_id, workload, actor_kind, actor, action, "
                    + "reason, outcome, before_status, after_status) VALUES (:old, :team, :db, NULL, 'system', "
                    + "'monitor', 'host_unreachable', 'no heartbeat for 90s', 'ok', 'online', 'unreachable'), (:now, "
                    + ":team, :db, 'postgres', 'system', 'monitor', 'workload_missing', 'host unreachable', 'ok', "
                    + "'running', 'missing')").bind("team", team).bind("db", db).bind("now", at(now))
                    .bind("old", at(now.minusSeconds(7200))).execute();
        });
    }

    @AfterAll
    void stop() {
        plane.close();
    }

    private Run run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data-dir";
        all[args.length + 1] = dataDir.toString();
        return CliRunner.run(all);
    }

    @Test
    void hostsAreATableWithStatusLastHeartbeatAndWorkloads() {
        Run r = run("hosts");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines[0]).startsWith("HOSTNAME").contains("STATUS").contains("LAST HEARTBEAT").contains("AGENT");
        assertThat(lines[1]).startsWith("db-1").contains("unreachable").contains("m ago").contains("1 missing");
        assertThat(lines[2]).startsWith("web-1").contains("online").contains("1 running").contains(web.toString());
    }

    @Test
    void hostsAsJsonAreTheApisRecords() throws Exception {
        Run r = run("hosts", "--status", "online", "--json");
        JsonNode hosts = Json.mapper().readTree(r.out());
        assertThat(hosts).hasSize(1);
        assertThat(hosts.get(0).get("hostname").asText()).isEqualTo("web-1");
    }

    @Test
    void workloadsAreFilteredByHostnameOrId() {
        Run byName = run("workloads", "--host", "web-1");
        assertThat(byName.code()).as(byName.err()).isZero();
        assertThat(byName.out()).contains("shop").contains("3/3 containers up").doesNotContain("postgres");
        assertThat(run("workloads", "--host", web.toString(), "--json").out())
                .isEqualTo(run("workloads", "--host", "web-1", "--json").out());
        assertThat(run("workloads", "--status", "missing").out()).contains("postgres").doesNotContain("shop");
        Run unknown = run("workloads", "--host", "nope");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("no host named 'nope'");
    }

    @Test
    void theAuditLogReadsOldestFirstAndTakesRelativeTimes() {
        Run all = run("audit");
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out().indexOf("host_unreachable")).isLessThan(all.out().indexOf("workload_missing"));
        assertThat(all.out()).contains("running -> missing").contains("system:monitor");
        Run recent = run("audit", "--since", "1h");
        assertThat(recent.out()).contains("workload_missing").doesNotContain("host_unreachable");
        Run bad = run("audit", "--since", "last tuesday");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--since: 'last tuesday' is neither a time");
    }

    @Test
    void aValueTheApiRefusesIsBadUsageWithItsReason() {
        Run r = run("hosts", "--status", "sleeping");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("status").contains("enumeration");
    }

    @Test
    void aJoinTokenIsMintedAndPrintedOrWritten0600(@TempDir Path out) throws Exception {
        Run printed = run("control", "join-token", "--name", "rack-7");
        assertThat(printed.code()).as(printed.err()).isZero();
        // the control plane runs in this JVM, and the tests' logback writes its log lines to standard output too
        assertThat(printed.out().lines().filter(l -> l.startsWith("llc_join_"))).hasSize(1);
        Path file = out.resolve("join.token");
        Run written = run("control", "join-token", "--output", file.toString());
        assertThat(written.code()).isZero();
        assertThat(Files.readString(file).strip()).startsWith("llc_join_");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Run unknownTeam = run("control", "join-token", "--team", "ghosts");
        assertThat(unknownTeam.code()).isEqualTo(2);
        assertThat(unknownTeam.err()).contains("no team 'ghosts'");
    }

    @Test
    void aWrongTokenIsBadUsageAndAnAbsentControlPlaneAFailure(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("t"), "llc_team_wrong\n");
        Run wrong = CliRunner.run("hosts", "--control-plane", plane.url(), "--token", token.toString());
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("unknown token");
        Run absent = CliRunner.run("hosts", "--control-plane", "http://127.0.0.1:1", "--token", token.toString());
        assertThat(absent.code()).isEqualTo(1);
        assertThat(absent.err()).contains("does not answer");
        Run nowhere = CliRunner.run("hosts", "--data-dir", dir.resolve("none").toString());
        assertThat(nowhere.code()).isEqualTo(2);
        assertThat(nowhere.err()).contains("control.address").contains("--control-plane URL");
    }
}
