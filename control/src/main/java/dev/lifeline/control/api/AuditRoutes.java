package dev.lifeline.control.api;

import dev.lifeline.control.api.ApiRoutes.Access;

/** The audit log: newest first, filtered, paged by id; a team sees its own team's events only. */
final class AuditRoutes {
    private final FleetQueries queries;

    AuditRoutes(FleetQueries queries) {
        this.queries = queries;
    }

    void register(ApiRoutes routes) {
        routes.get("/v1/audit", Access.ANY_TOKEN, call -> {
            AuditFilter filter = new AuditFilter(call.uuidQuery("host"), call.query("workload"),
                    call.query("action"), call.query("actorKind"), call.query("outcome"),
                    call.instantQuery("since"), call.instantQuery("until"), call.longQuery("before"),
                    call.intQuery("limit", 100));
            if (filter.since() != null && filter.until() != null && !filter.since().isBefore(filter.until())) {
                throw ApiException.badRequest("since (" + filter.since() + ") must be before until ("
                        + filter.until() + ")");
            }
            return Reply.ok(queries.audit(call.principal().scope(), filter));
        });
    }
}
