package dev.lifeline.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The API's OpenAPI 3.1 document, {@code openapi.json} in the jar: kept in the repository as the API's source,
 * served as it is at {@code /openapi.json}, and what {@link RequestValidator} checks every request against.
 */
public record OpenApiDocument(String text, JsonNode tree) {
    public static final String RESOURCE = "/openapi.json";

    public static OpenApiDocument load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new OpenApiDocument(text, new ObjectMapper().readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** The operation of {@code method} (lower case) on {@code path} (as written in the document), or a missing node. */
    public JsonNode operation(String method, String path) {
        return tree.path("paths").path(path).path(method);
    }
}
