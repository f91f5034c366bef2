package dev.lifeline.control.web;

import static dev.lifeline.control.FleetRows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.control.RunningControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium against a real control plane: the token asked once, hosts with status
 * and last heartbeat, a host's workloads, the audit timeline, backup status per stack, and a command button that
 * queues a real command.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private RunningControlPlane cp;
    private Chromium browser;
    private Path dir;
    private String teamToken;
    private UUID web;
    private Instant heartbeat;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        cp = RunningControlPlane.start(tmp.resolve("control"));
        long team = cp.rows.team("default");
        heartbeat = Instant.now().minusSeconds(12).truncatedTo(ChronoUnit.SECONDS);
        web = cp.rows.host(team, "web-1", "online", heartbeat, "0.1.0");
        UUID db = cp.rows.host(team, "db-1", "unreachable", T0, "0.1.0");
        cp.rows.workload(web, team, "shop", "running", "3/3 containers up");
        cp.rows.workload(web, team, "blog", "stopping", null);
        cp.rows.workload(db, team, "postgres", "missing", null);
        cp.rows.command(team, web, "shop", "backup", "done", T0);
        cp.rows.command(team, db, "postgres", "backup", "failed", T0);
        cp.rows.audit(team, db, null, "system", "host_unreachable", "ok", T0);
        cp.rows.audit(team, db, "postgres", "system", "workload_missing", "ok", T0.plusSeconds(1));
        long other = cp.rows.team("other");
        teamToken = cp.rows.teamToken(other, "viewer");
        cp.rows.host(other, "secret-host", "online", T0, "0.1.0");
        Path profile = tmp.resolve("profile");
        Files.createDirectories(profile);
        browser = Chromium.start(profile);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.screenshot(Path.of("target", "dashboard.png"));
            browser.close();
        }
        cp.discard();
    }

    private void signIn(String token) throws Exception {
        browser.open(cp.plane.url() + "/");
        browser.evaluate("sessionStorage.clear()");
        browser.open(cp.plane.url() + "/");
        browser.waitFor("!document.getElementById('sign-in').hidden", WAIT);
        browser.evaluate("document.getElementById('token').value = " + quote(token) + ";"
                + "document.getElementById('token-form').requestSubmit()");
        browser.waitFor("document.body.dataset.loaded === 'true'", WAIT);
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private String text(String selector) throws Exception {
        return browser.evaluate("document.querySelector(" + quote(selector) + ")?.innerText ?? ''").asText();
    }

    @Test
    void theOperatorSeesHostsWorkloadsTheAuditTimelineAndBackups() throws Exception {
        signIn(cp.adminToken);
        assertThat(text("#actor")).isEqualTo("signed in as admin (operator)");
        assertThat(text("#summary")).isEqualTo("3 hosts (2 online, 1 unreachable) · 3 workloads");
        assertThat(text("tr[data-host='db-1']")).contains("unreachable").contains("1 missing");
        assertThat(text("tr[data-host='web-1']")).contains("online").containsPattern("\\d+s ago")
                .contains("1 running, 1 stopping");
        assertThat(browser.evaluate("document.querySelector(\"tr[data-host='web-1'] time\").dateTime").asText())
                .isEqualTo(heartbeat.toString());
        assertThat(text("#audit li[data-action='workload_missing']")).contains("db-1/postgres")
                .contains("running → stopped").contains("system:monitor");
        assertThat(text("tr[data-stack='db-1/postgres']")).contains("failed").contains("restic: repository locked");
        assertThat(text("tr[data-stack='web-1/shop']")).contains("done");

        browser.evaluate("document.querySelector(\"tr[data-host='web-1']\").click()");
        browser.waitFor("document.querySelector(\"#workloads tr[data-workload='shop']\")", WAIT);
        assertThat(text("#host-name")).isEqualTo("web-1");
        assertThat(text("#workloads tr[data-workload='shop']")).contains("running").contains("3/3 containers up");
        assertThat(browser.evaluate("document.querySelector(\"#workloads tr[data-workload='blog'] "
                + "button[data-command='start']\").disabled").asBoolean()).as("a changing workload takes no command")
                .isTrue();
    }

    @Test
    void aCommandButtonQueuesACommandAndShowsItsState() throws Exception {
        signIn(cp.adminToken);
        browser.evaluate("document.querySelector(\"tr[data-host='web-1']\").click()");
        browser.waitFor("document.querySelector(\"#workloads tr[data-workload='shop'] button[data-command='stop']\")",
                WAIT);
        browser.evaluate("document.querySelector(\"#workloads tr[data-workload='shop'] "
                + "button[data-command='stop']\").click()");
        browser.waitFor("document.getElementById('command-result').dataset.state === 'pending'", WAIT);
        String id = browser.evaluate("document.getElementById('command-result').dataset.command").asText();
        JsonNode command = cp.api.get("/v1/commands/" + id, cp.adminToken).json();
        assertThat(command.get("kind").asText()).isEqualTo("stop");
        assertThat(command.get("workload").asText()).isEqualTo("shop");
        assertThat(command.get("actor").asText()).isEqualTo("admin");
        browser.waitFor("document.querySelector(\"#workloads tr[data-workload='shop'] .status\").dataset.status "
                + "=== 'stopping'", WAIT);
    }

    @Test
    void aTeamTokenSeesItsTeamOnlyAndABadTokenIsAskedAgain() throws Exception {
        signIn(teamToken);
        assertThat(text("#actor")).isEqualTo("signed in as viewer@other (team other)");
        assertThat(text("#hosts tbody")).contains("secret-host").doesNotContain("web-1").doesNotContain("db-1");
        assertThat(text("#audit")).doesNotContain("postgres");

        browser.evaluate("sessionStorage.clear()");
        browser.open(cp.plane.url() + "/");
        browser.evaluate("document.getElementById('token').value = 'llc_team_wrong';"
                + "document.getElementById('token-form').requestSubmit()");
        browser.waitFor("document.getElementById('sign-in-error').innerText.includes('unknown token')", WAIT);
        assertThat(browser.evaluate("document.getElementById('app').hidden").asBoolean()).isTrue();
        assertThat(browser.evaluate("sessionStorage.getItem('lifeline.token')").isNull()).isTrue();
    }

    @Test
    void theTokenIsKeptForTheTabOnly() throws Exception {
        signIn(cp.adminToken);
        browser.open(cp.plane.url() + "/");
        browser.waitFor("document.body.dataset.loaded === 'true'", WAIT);
        assertThat(browser.evaluate("localStorage.length").asInt()).isZero();
        assertThat(browser.evaluate("document.cookie").asText()).isEmpty();
    }
}
