package dev.lifeline.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.auth.Authentication;
import dev.lifeline.control.auth.Principal;
import dev.lifeline.control.auth.TokenStore;
import dev.lifeline.core.log.KeyValues;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.ConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the routes of the API for people, each behind the same steps, in this order: a declared body over
 * {@link #MAX_BODY} is refused (413) before anything is read; the bearer token is read (401); an operator-only route
 * refuses a team token (403); the query, the path and the body (read up to the limit: 413 past it) are checked
 * against openapi.json (400); then the handler runs. Errors are {@code {error, detail}}.
 */
final class ApiRoutes {
    static final int MAX_BODY = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

    /** Who may call a route. */
    enum Access { ANY_TOKEN, OPERATOR }

    @FunctionalInterface
    interface Handler {
        Reply handle(ApiCall call) throws Exception;
    }

    private final JavalinConfig config;
    private final RequestValidator validator;
    private final TokenStore tokens;
    private final ObjectMapper json;

    ApiRoutes(JavalinConfig config, RequestValidator validator, TokenStore tokens, ObjectMapper json) {
        this.config = config;
        this.validator = validator;
        this.tokens = tokens;
        this.json = json;
    }

    void get(String path, Access access, Handler handler) {
        add(HandlerType.GET, path, access, handler);
    }

    void post(String path, Access access, Handler handler) {
        add(HandlerType.POST, path, access, handler);
    }

    void delete(String path, Access access, Handler handler) {
        add(HandlerType.DELETE, path, access, handler);
    }

    private void add(HandlerType method, String path, Access access, Handler handler) {
        RequestValidator.Operation operation = validator.operation(method.name().toLowerCase(Locale.ROOT), path);
        config.routes.addHttpHandler(method, path, ctx -> serve(ctx, operation, access, handler));
    }

    private void serve(Context ctx, RequestValidator.Operation operation, Access access, Handler handler) {
        ctx.header("Cache-Control", "no-store");
        try {
            long declared = ctx.contentLength();
            if (declared > MAX_BODY) {
                throw tooLarge();
            }
            Principal principal = authenticate(ctx);
            if (access == Access.OPERATOR && !(principal instanceof Principal.Operator)) {
                throw ApiException.forbidden("this needs the operator's token (admin.token in the control plane's "
                        + "data dir); a team token reads and acts on its own team only");
            }
            operation.checkQuery(ctx.queryParamMap());
            operation.checkPath(ctx.pathParamMap());
            Optional<JsonNode> body = operation.checkBody(readBody(ctx), json);
            Reply reply = handler.handle(new ApiCall(ctx, principal, body, json));
            ctx.status(reply.status()).json(reply.body());
        } catch (ApiException e) {
            if (e.status() == 401) {
                ctx.header("WWW-Authenticate", "Bearer");
            }
            ctx.status(e.status()).json(new Views.Error(e.error(), e.detail()));
        } catch (ConnectionException e) {
            LOG.warn(KeyValues.line("event", "api_database_unavailable", "path", ctx.path(), "error", e.getMessage()));
            ctx.status(503).json(new Views.Error("database_unavailable", "the control plane cannot reach its "
                    + "database; nothing was changed; try again shortly"));
        } catch (Exception e) {
            LOG.error(KeyValues.line("event", "api_error", "method", ctx.method(), "path", ctx.path(), "error",
                    e.toString()), e);
            ctx.status(500).json(new Views.Error("internal_error", "the control plane failed on this request ("
                    + e.getClass().getSimpleName() + "); its log has the details"));
        }
    }

    private Principal authenticate(Context ctx) {
        return switch (tokens.authenticate(ctx.header("Authorization"))) {
            case Authentication.Authenticated a -> a.principal();
            case Authentication.Refused r -> throw new ApiException(401, "unauthorized", r.reason());
        };
    }

    /** The body, read up to {@link #MAX_BODY} bytes whatever the client declared (or did not: chunked). */
    private static byte[] readBody(Context ctx) throws IOException {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw tooLarge();
            }
            return bytes;
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(413, "too_large", "request body over " + MAX_BODY + " bytes; nothing was read "
                + "or written");
    }
}
