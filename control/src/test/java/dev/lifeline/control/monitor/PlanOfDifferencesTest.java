package dev.lifeline.control.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.SqlTime;
import dev.lifeline.control.store.TestDatabases;
import dev.lifeline.control.store.monitor.HostDifferences;
import dev.lifeline.control.store.monitor.HostRow;
import dev.lifeline.control.store.monitor.MonitorReads;
import dev.lifeline.control.store.monitor.TestFleet;
import dev.lifeline.core.fleet.HostPlan;
import dev.lifeline.core.fleet.HostReconciler;
import dev.lifeline.core.fleet.HostReport;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.MonitorRules;
import dev.lifeline.core.fleet.ReportedWorkload;
import dev.lifeline.core.fleet.WorkloadRecord;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pass plans each host from where its records and report differ ({@link MonitorReads#differences}), not from all
 * of them: that must give exactly the plan of the whole host. Checked through the real query on hosts of random
 * records and reports (every recorded status against every reported one, equal and different details, graces run
 * out or not), with and without a mass-silence hold.
 */
class PlanOfDifferencesTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final MonitorRules RULES = MonitorRules.defaults();
    private static final List<String> DETAILS = Arrays.asList(null, "up", "2/3 up");
    private static final List<String> NAMES = List.of("app", "db", "cache", "web", "proxy", "worker", "cron");

    /** One generated host: what it stored and what it reported. */
    private record Generated(UUID id, Instant heardAt, List<WorkloadRecord> rows, List<ReportedWorkload> report) {}

    private Database db;
    private TestFleet fleet;
    private long team;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        fleet = new TestFleet(db);
        team = fleet.team("default");
    }

    @AfterEach
    void tearDown() {
        TestFleet.closeAndDrop(db);
    }

    @Test
    void planningTheDifferencesGivesThePlanOfTheWholeHost() {
        Random random = new Random(20261206);
        List<Generated> hosts = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            hosts.add(generate(fleet, team, random));
        }
        // hosts whose change list is unknown (never reconciled): compared whole
        Map<UUID, HostDifferences> differences = db.jdbi().inTransaction(
                h -> MonitorReads.differences(h, hosts.stream().map(Generated::id).toList(), List.of()));

        assertThat(plannedActions(team, hosts, List.of(differences))).as("the generated hosts exercise the rules")
                .isGreaterThan(300);
        assertThat(differences.values().stream().mapToInt(d -> d.rows().size()).sum())
                .as("matching settled rows were left out")
                .isLessThan(hosts.stream().mapToInt(h -> h.rows().size()).sum());
    }

    /**
     * Of a host whose change list is known, only the stacks on it and the rows not settled are compared. Given a list
     * that holds every stack whose settled row and report differ (what the ingest's lists hold since the host was
     * last reconciled, when the two matched), plus any others, the plan is still exactly that of the whole host; a
     * host the pass must compare whole ({@code compareAll}) is, whatever its list says.
     */
    @Test
    void planningOnlyTheChangedStacksGivesThePlanOfTheWholeHost() {
        Random random = new Random(6122026);
        List<Generated> hosts = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            Generated host = generate(fleet, team, random);
            List<String> changes = new ArrayList<>(settledDifferences(host));
            for (String name : NAMES) {
                if (!changes.contains(name) && random.nextInt(5) == 0) {
                    changes.add(name); // a stack that changed and changed back: harmless
                }
            }
            fleet.setReportChanges(host.id(), changes);
            hosts.add(host);
        }
        List<UUID> ids = hosts.stream().map(Generated::id).toList();
        Map<UUID, HostDifferences> restricted = db.jdbi().inTransaction(
                h -> MonitorReads.differences(h, ids, List.of()));
        Map<UUID, HostDifferences> whole = db.jdbi().inTransaction(
                h -> MonitorReads.differences(h, ids, ids));

        assertThat(plannedActions(team, hosts, List.of(restricted, whole)))
                .as("the generated hosts exercise the rules").isGreaterThan(300);
    }

    /**
     * Checks that each host's plan from each of {@code differences} is the plan of the whole host, with and without a
     * mass-silence hold; returns how many actions the whole hosts' plans held.
     */
    private static int plannedActions(long team, List<Generated> hosts, List<Map<UUID, HostDifferences>> differences) {
        int actions = 0;
        for (Generated host : hosts) {
            HostRow row = new HostRow(host.id(), team, HostStatus.ONLINE, NOW.minusSeconds(3600), host.heardAt(),
                    NOW.minusSeconds(7200), NOW.minusSeconds(7200), 1, 0, null, true, HostRow.Report.READABLE, false);
            HostReport report = new HostReport(1, host.heardAt(), host.report());
            for (boolean holding : List.of(false, true)) {
                HostPlan expected = HostReconciler.plan(row.view(), host.rows(), report, NOW, RULES, holding);
                for (Map<UUID, HostDifferences> of : differences) {
                    HostPlan planned = MonitorPass.plan(row, of.getOrDefault(host.id(), HostDifferences.none()), NOW,
                            RULES, holding);
                    assertThat(planned).as("host %s, holding %s: rows %s, report %s", host.id(), holding,
                            host.rows(), host.report()).isEqualTo(expected);
                }
                actions += expected.actions().size();
            }
        }
        return actions;
    }

    /** The stacks the whole comparison keeps for a reason other than a row that is not settled. */
    private static List<String> settledDifferences(Generated host) {
        List<String> names = new ArrayList<>();
        for (String name : NAMES) {
            WorkloadRecord row = host.rows().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
            ReportedWorkload listed = host.report().stream().filter(r -> r.name().equals(name)).findFirst()
                    .orElse(null);
            if (row == null && listed == null) {
                continue;
            }
            boolean same = row != null && listed != null && row.status() == listed.status()
                    && Objects.equals(row.detail(), listed.detail());
            if (!same && (row == null || !row.status().isTransient() && row.status() != WorkloadStatus.MISSING)) {
                names.add(name);
            }
        }
        return names;
    }


    private static Generated generate(TestFleet fleet, long team, Random random) {
        Instant heard = NOW.minusSeconds(random.nextInt(30));
        UUID id = fleet.host(team, HostStatus.ONLINE, heard);
        List<String> names = new ArrayList<>(NAMES);
        Collections.shuffle(names, random);
        List<WorkloadRecord> rows = new ArrayList<>();
        List<ReportedWorkload> report = new ArrayList<>();
        int recorded = random.nextInt(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String detail = DETAILS.get(random.nextInt(DETAILS.size()));
            if (i < recorded) {
                WorkloadStatus status = WorkloadStatus.values()[random.nextInt(WorkloadStatus.values().length)];
                Instant since = NOW.minus(Duration.ofSeconds(random.nextInt(20 * 60)));
                long workload = fleet.workload(id, name, status, since);
                fleet.setDetail(workload, detail);
                rows.add(new WorkloadRecord(workload, name, status, SqlTime.at(since).toInstant(), detail));
                if (random.nextInt(4) == 0) {
                    continue; // absent from the report
                }
                boolean same = random.nextBoolean();
                WorkloadStatus reported = same && status != WorkloadStatus.MISSING ? status : reportable(random);
                report.add(new ReportedWorkload(name, reported, same ? detail : DETAILS.get(random.nextInt(3))));
            } else if (random.nextInt(3) == 0) {
                report.add(new ReportedWorkload(name, reportable(random), detail)); // a stack with no record
            }
        }
        fleet.report(id, heard, report.toArray(ReportedWorkload[]::new));
        return new Generated(id, heard, rows, report);
    }

    private static WorkloadStatus reportable(Random random) {
        while (true) {
            WorkloadStatus s = WorkloadStatus.values()[random.nextInt(WorkloadStatus.values().length)];
            if (s != WorkloadStatus.MISSING) {
                return s;
            }
        }
    }
}
