package dev.lifeline.control.api;

import dev.lifeline.control.api.ApiRoutes.Access;
import dev.lifeline.control.api.CommandSubmission.Outcome;
import dev.lifeline.control.api.Requests.CommandRequest;
import dev.lifeline.control.api.Views.Host;
import dev.lifeline.control.auth.TeamScope;
import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.log.KeyValues;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's command for a workload: checked here (the host and workload exist in the caller's team, the host is not
 * unreachable), queued by the {@link CommandSubmission}; then its state is read back.
 */
final class CommandRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRoutes.class);

    private final FleetQueries queries;
    private final CommandSubmission submission;

    CommandRoutes(FleetQueries queries, CommandSubmission submission) {
        this.queries = queries;
        this.submission = submission;
    }

    void register(ApiRoutes routes) {
        routes.post("/v1/commands", Access.ANY_TOKEN, this::submit);
        routes.get("/v1/commands/{commandId}", Access.ANY_TOKEN, call -> {
            UUID id = call.uuidPath("commandId");
            return queries.command(call.principal().scope(), id).map(Reply::ok)
                    .orElseThrow(() -> ApiException.notFound("no command " + id));
        });
    }

    private Reply submit(ApiCall call) {
        CommandRequest request = call.body(CommandRequest.class).orElseThrow();
        TeamScope scope = call.principal().scope();
        Host host = queries.host(scope, request.host()).orElseThrow(() -> ApiException.notFound("no host "
                + request.host() + " (lifeline hosts lists them)"));
        if (host.status().equals(HostStatus.UNREACHABLE.wireName())) {
            throw ApiException.conflict("host " + host.hostname() + " is unreachable (no heartbeat since "
                    + host.lastHeartbeatAt() + "): a command would wait for it unseen; send it once the host is "
                    + "online again");
        }
        queries.workload(scope, host.id(), request.workload()).orElseThrow(() -> ApiException.notFound(
                "no workload '" + request.workload() + "' on host " + host.hostname()));
        CommandKind kind = CommandKind.fromWire(request.kind());
        String reason = request.reason() == null ? "" : request.reason();
        Outcome outcome = submission.submit(new CommandSubmission.Order(host.id(), request.workload(), kind,
                call.principal().actor(), reason));
        return switch (outcome) {
            case Outcome.Accepted a -> {
                LOG.info(KeyValues.line("event", "command_submitted", "command", a.commandId(), "host", host.id(),
                        "workload", request.workload(), "kind", kind.wireName(), "actor", call.principal().actor()));
                yield Reply.accepted(queries.command(scope, a.commandId()).orElseThrow());
            }
            case Outcome.Conflict c -> throw ApiException.conflict(c.detail());
            case Outcome.Gone g -> throw ApiException.notFound(g.detail());
            case Outcome.Unavailable u -> throw new ApiException(503, "unavailable", u.detail());
        };
    }
}
