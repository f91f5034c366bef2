package dev.lifeline.control.agentapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.auth.Tokens;
import dev.lifeline.control.http.RouteSet;
import dev.lifeline.core.fleet.wire.Heartbeat;
import dev.lifeline.core.fleet.wire.PendingCommands;
import dev.lifeline.core.fleet.wire.RegisterRequest;
import dev.lifeline.core.log.KeyValues;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' side of the control plane's HTTP server: {@code POST /v1/agent/register} (a join token in the body),
 * {@code POST /v1/agent/heartbeat} and {@code GET /v1/agent/commands?waitMs=N&known=ID,ID} (a host token as Bearer;
 * see {@link LongPoll}). Errors are
 * {@code {"error": "..."}} with 400 (malformed), 401 (token), 413 (too large) or 503 (try again later); nothing is
 * written for a refused request. Waiting (the group commit, the long-poll) holds no server thread.
 */
final class AgentRoutes implements RouteSet {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRoutes.class);

    private final ObjectMapper json;
    private final AgentRequests requests;
    private final AgentApiSettings settings;
    private final HostTokens tokens;
    private final Registration registration;
    private final HeartbeatIngest ingest;
    private final LongPoll longPoll;
    private final Executor responders;

    /**
     * @param responders where deferred answers are written: not on the heartbeat writer's thread, which would
     *     otherwise write a whole batch's answers one after another before it could start the next batch
     */
    AgentRoutes(ObjectMapper json, AgentApiSettings settings, HostTokens tokens, Registration registration,
            HeartbeatIngest ingest, LongPoll longPoll, Executor responders) {
        this.json = json;
        this.requests = new AgentRequests(json, settings);
        this.settings = settings;
        this.tokens = tokens;
        this.registration = registration;
        this.ingest = ingest;
        this.longPoll = longPoll;
        this.responders = responders;
    }

    @Override
    public void addTo(JavalinConfig config) {
        config.routes.post("/v1/agent/register", this::register);
        config.routes.post("/v1/agent/heartbeat", this::heartbeat);
        config.routes.get("/v1/agent/commands", this::commands);
    }

    private void register(Context ctx) {
        try {
            RegisterRequest request = requests.register(body(ctx, AgentApiSettings.MAX_REGISTER_BYTES));
            respond(ctx, registration.register(request, ctx.ip()));
        } catch (RuntimeException e) {
            fail(ctx, e);
        }
    }

    private void heartbeat(Context ctx) {
        CompletableFuture<?> answer;
        try {
            HostIdentity host = authenticate(ctx);
            Heartbeat beat = requests.heartbeat(body(ctx, settings.maxHeartbeatBytes()));
            answer = ingest.submit(host, beat);
        } catch (RuntimeException e) {
            fail(ctx, e);
            return;
        }
        answerLater(ctx, answer);
    }

    private void commands(Context ctx) {
        CompletableFuture<?> answer;
        try {
            HostIdentity host = authenticate(ctx);
            long waitMs = requests.waitMillis(ctx.queryParam("waitMs"));
            answer = longPoll.await(host.host(), requests.knownIds(ctx.queryParam("known")),
                    Duration.ofMillis(waitMs)).thenApply(PendingCommands::new);
        } catch (RuntimeException e) {
            fail(ctx, e);
            return;
        }
        answerLater(ctx, answer);
    }

    /** Answers when {@code answer} completes, holding no server thread meanwhile. */
    private void answerLater(Context ctx, CompletableFuture<?> answer) {
        ctx.future(() -> answer.handleAsync((body, error) -> {
            if (error != null) {
                fail(ctx, error);
            } else {
                respond(ctx, body);
            }
            return null;
        }, responders));
    }

    private HostIdentity authenticate(Context ctx) {
        return tokens.authenticate(Tokens.fromAuthorization(ctx.header("Authorization")))
                .orElseThrow(() -> AgentApiException.unauthorized("a valid host token is required as "
                        + "'Authorization: Bearer llc_host_...'; the agent received it when it joined"));
    }

    private static byte[] body(Context ctx, int limit) {
        try {
            return AgentRequests.read(ctx.req().getContentLengthLong(), ctx.req().getInputStream(), limit);
        } catch (IOException e) {
            throw AgentApiException.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    private void respond(Context ctx, Object body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            fail(ctx, e);
            return;
        }
        write(ctx, 200, bytes);
    }

    /**
     * Writes the answer; when the agent went away while its answer was being made (a long-poll or a heartbeat in the
     * group commit), the server has recycled the request and there is nobody to answer.
     */
    private static void write(Context ctx, int status, byte[] body) {
        try {
            ctx.status(status).contentType("application/json").result(body);
        } catch (RuntimeException gone) {
            LOG.debug(KeyValues.line("event", "agent_answer_dropped", "status", status, "reason", gone.toString()));
        }
    }

    private void fail(Context ctx, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        int status;
        String message;
        if (e instanceof AgentApiException api) {
            status = api.status();
            message = api.getMessage();
        } else {
            status = 503;
            message = "the control plane cannot serve this request now (" + e.getMessage() + "); try again later";
            LOG.error(KeyValues.line("event", "agent_request_failed", "error", e.toString()), e);
        }
        try {
            if (status == 401) {
                ctx.header("WWW-Authenticate", "Bearer");
            }
            write(ctx, status, json.writeValueAsBytes(Map.of("error", message)));
        } catch (JsonProcessingException | RuntimeException gone) {
            LOG.debug(KeyValues.line("event", "agent_answer_dropped", "status", status, "reason", gone.toString()));
        }
    }
}
