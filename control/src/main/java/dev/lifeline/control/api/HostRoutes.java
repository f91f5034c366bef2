package dev.lifeline.control.api;

import dev.lifeline.control.api.ApiRoutes.Access;
import dev.lifeline.control.api.Views.BackupList;
import dev.lifeline.control.api.Views.HostDetail;
import java.util.UUID;

/** Hosts, workloads and the backup status per stack: reads, scoped to the caller's team. */
final class HostRoutes {
    private final FleetQueries queries;

    HostRoutes(FleetQueries queries) {
        this.queries = queries;
    }

    void register(ApiRoutes routes) {
        routes.get("/v1/hosts", Access.ANY_TOKEN, call -> Reply.ok(queries.hosts(call.principal().scope(),
                call.query("status"), call.query("team"), call.uuidQuery("after"), call.intQuery("limit", 500))));
        routes.get("/v1/hosts/{hostId}", Access.ANY_TOKEN, call -> {
            UUID id = call.uuidPath("hostId");
            return queries.host(call.principal().scope(), id)
                    .map(host -> Reply.ok(new HostDetail(host, queries.workloadsOf(id))))
                    .orElseThrow(() -> ApiException.notFound("no host " + id + " (lifeline hosts lists them)"));
        });
        routes.get("/v1/workloads", Access.ANY_TOKEN, call -> Reply.ok(queries.workloads(call.principal().scope(),
                new WorkloadFilter(call.uuidQuery("host"), call.query("status"), call.query("team"),
                        call.longQuery("after"), call.intQuery("limit", 100)))));
        routes.get("/v1/backups", Access.ANY_TOKEN, call -> Reply.ok(new BackupList(queries.backups(
                call.principal().scope(), call.uuidQuery("host"), call.query("team")))));
    }
}
