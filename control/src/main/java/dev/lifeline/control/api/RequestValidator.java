package dev.lifeline.control.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Checks requests against the OpenAPI document before a handler sees them: every query parameter must be declared
 * (a typo is a 400, not silently ignored) and fit its schema, as must path parameters; a body must be JSON and fit
 * the operation's request schema (whose {@code additionalProperties: false} refuses unknown fields). Built once per
 * operation at start, so a route the document lacks fails the start rather than a request.
 */
public final class RequestValidator {
    private static final String BASE = "https://lifeline.invalid/openapi.json";

    private final SchemaRegistry registry;
    private final OpenApiDocument document;

    public RequestValidator(OpenApiDocument document) {
        this.document = document;
        SchemaRegistryConfig config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
        // the component schemas as one schema document of definitions (the rest of the document is no schema)
        ObjectNode definitions = JsonNodeFactory.instance.objectNode();
        definitions.set("$defs", document.tree().path("components").path("schemas"));
        String schemas = definitions.toString().replace("\"#/components/schemas/", "\"#/$defs/");
        this.registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(),
                b -> b.schemaRegistryConfig(config).schemas(Map.of(BASE, schemas)));
    }

    /** The checks of one operation; fails when the document does not describe it. */
    public Operation operation(String method, String path) {
        JsonNode op = document.operation(method, path);
        if (op.isMissingNode()) {
            throw new IllegalStateException("openapi.json has no operation " + method.toUpperCase() + " " + path);
        }
        Map<String, Parameter> query = new LinkedHashMap<>();
        Map<String, Parameter> pathParams = new LinkedHashMap<>();
        for (JsonNode p : op.path("parameters")) {
            Parameter parameter = new Parameter(p.get("name").asText(), p.get("schema"),
                    registry.getSchema(p.get("schema")));
            (p.get("in").asText().equals("path") ? pathParams : query).put(parameter.name(), parameter);
        }
        JsonNode content = op.path("requestBody").path("content").path("application/json").path("schema");
        Optional<Schema> body = content.isMissingNode() ? Optional.empty()
                : Optional.of(registry.getSchema(SchemaLocation.of(BASE + "#/$defs/"
                        + content.get("$ref").asText().replace("#/components/schemas/", ""))));
        boolean bodyRequired = op.path("requestBody").path("required").asBoolean(false);
        return new Operation(method.toUpperCase(), path, query, pathParams, body, bodyRequired);
    }

    private record Parameter(String name, JsonNode declared, Schema schema) {
        /** The query string's text as the JSON value the schema describes. */
        JsonNode value(String text) {
            String type = declared.path("type").asText("string");
            if (type.equals("integer")) {
                try {
                    return JsonNodeFactory.instance.numberNode(Long.parseLong(text));
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest(name + ": '" + text + "' is not a whole number");
                }
            }
            return JsonNodeFactory.instance.textNode(text);
        }
    }

    /** One operation's checks. */
    public static final class Operation {
        private final String method;
        private final String path;
        private final Map<String, Parameter> query;
        private final Map<String, Parameter> pathParams;
        private final Optional<Schema> body;
        private final boolean bodyRequired;

        private Operation(String method, String path, Map<String, Parameter> query, Map<String, Parameter> pathParams,
                Optional<Schema> body, boolean bodyRequired) {
            this.method = method;
            this.path = path;
            this.query = query;
            this.pathParams = pathParams;
            this.body = body;
            this.bodyRequired = bodyRequired;
        }

        public void checkQuery(Map<String, List<String>> params) {
            for (Map.Entry<String, List<String>> e : params.entrySet()) {
                Parameter p = query.get(e.getKey());
                if (p == null) {
                    throw ApiException.badRequest("unknown query parameter '" + e.getKey() + "' for " + method + " "
                            + path + (query.isEmpty() ? ", which takes none" : "; known: "
                            + String.join(", ", new TreeSet<>(query.keySet()))));
                }
                if (e.getValue().size() != 1) {
                    throw ApiException.badRequest("query parameter '" + e.getKey() + "' is given "
                            + e.getValue().size() + " times; give it once");
                }
                check(p, e.getValue().get(0));
            }
        }

        public void checkPath(Map<String, String> params) {
            pathParams.forEach((name, p) -> check(p, params.get(name)));
        }

        /** The body as JSON, checked; empty when the operation takes none, or an optional one was not sent. */
        public Optional<JsonNode> checkBody(byte[] bytes, ObjectMapper json) {
            boolean sent = bytes.length > 0;
            if (body.isEmpty()) {
                if (sent) {
                    throw ApiException.badRequest(method + " " + path + " takes no request body");
                }
                return Optional.empty();
            }
            if (!sent) {
                if (bodyRequired) {
                    throw ApiException.badRequest(method + " " + path + " needs a JSON body; see /openapi.json");
                }
                return Optional.empty();
            }
            JsonNode tree;
            try {
                tree = json.readTree(bytes);
            } catch (JsonProcessingException e) {
                throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw ApiException.badRequest("the body cannot be read: " + e.getMessage());
            }
            requireValid("body", body.get().validate(tree));
            return Optional.of(tree);
        }

        private static void check(Parameter p, String text) {
            requireValid(p.name(), p.schema().validate(p.value(text)));
        }

        private static void requireValid(String what, List<Error> errors) {
            if (!errors.isEmpty()) {
                StringBuilder detail = new StringBuilder(what).append(": ");
                for (int i = 0; i < errors.size(); i++) {
                    String at = errors.get(i).getInstanceLocation().toString();
                    detail.append(i == 0 ? "" : "; ").append(at.isEmpty() ? "" : at + " ")
                            .append(errors.get(i).getMessage());
                }
                throw ApiException.badRequest(detail.toString());
            }
        }
    }
}
