package dev.lifeline.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.auth.Principal;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * One authenticated request whose parameters and body openapi.json has accepted, so its typed reads cannot fail on
 * the caller's input.
 */
public final class ApiCall {
    private final Context ctx;
    private final Principal principal;
    private final Optional<JsonNode> body;
    private final ObjectMapper json;

    ApiCall(Context ctx, Principal principal, Optional<JsonNode> body, ObjectMapper json) {
        this.ctx = ctx;
        this.principal = principal;
        this.body = body;
        this.json = json;
    }

    public Principal principal() {
        return principal;
    }

    /** A query parameter, or null when not given. */
    public String query(String name) {
        return ctx.queryParam(name);
    }

    /** A query parameter read by {@code parse}, or null when not given. */
    public <T> T query(String name, Function<String, T> parse) {
        String v = query(name);
        return v == null ? null : parse.apply(v);
    }

    public int intQuery(String name, int absent) {
        Integer v = query(name, Integer::valueOf);
        return v == null ? absent : v;
    }

    public Long longQuery(String name) {
        return query(name, Long::valueOf);
    }

    public UUID uuidQuery(String name) {
        return query(name, UUID::fromString);
    }

    public Instant instantQuery(String name) {
        return query(name, Instant::parse);
    }

    public String path(String name) {
        return ctx.pathParam(name);
    }

    public UUID uuidPath(String name) {
        return UUID.fromString(path(name));
    }

    /** The body as {@code type}, or empty when an optional body was not sent. */
    public <T> Optional<T> body(Class<T> type) {
        return body.map(tree -> json.convertValue(tree, type));
    }
}
