package dev.lifeline.control.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.auth.TeamStore;
import dev.lifeline.control.auth.TokenStore;
import dev.lifeline.control.http.RouteSet;
import io.javalin.config.JavalinConfig;
import java.time.InstantSource;
import org.jdbi.v3.core.Jdbi;

/**
 * The REST API for people and scripts under {@code /v1} (hosts, workloads, commands, backups, audit events, teams and
 * tokens) and its OpenAPI document at {@code /openapi.json}, which every request is checked against.
 */
public final class PeopleApi implements RouteSet {
    private final OpenApiDocument document;
    private final RequestValidator validator;
    private final TokenStore tokens;
    private final ObjectMapper json;
    private final HostRoutes hosts;
    private final CommandRoutes commands;
    private final AuditRoutes audit;
    private final TeamRoutes teams;

    public PeopleApi(Jdbi jdbi, CommandSubmission submission, InstantSource clock, ObjectMapper json) {
        this.document = OpenApiDocument.load();
        this.validator = new RequestValidator(document);
        this.tokens = new TokenStore(jdbi);
        this.json = json;
        FleetQueries queries = new FleetQueries(jdbi, json);
        this.hosts = new HostRoutes(queries);
        this.commands = new CommandRoutes(queries, submission);
        this.audit = new AuditRoutes(queries);
        this.teams = new TeamRoutes(jdbi, new TeamStore(jdbi), tokens, clock);
    }

    @Override
    public void addTo(JavalinConfig config) {
        ApiRoutes routes = new ApiRoutes(config, validator, tokens, json);
        hosts.register(routes);
        commands.register(routes);
        audit.register(routes);
        teams.register(routes);
        config.routes.get(OpenApiDocument.RESOURCE, ctx -> ctx.contentType("application/json")
                .result(document.text()));
    }
}
