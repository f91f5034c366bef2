package dev.lifeline.control.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.control.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {
    private final RequestValidator validator = new RequestValidator(OpenApiDocument.load());

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aWellFormedCommandPasses() {
        var op = validator.operation("post", "/v1/commands");
        assertThat(op.checkBody(json("{\"host\":\"7b0c5a43-3f0c-4a3e-9a59-0c1b2f3d4e5f\",\"workload\":\"web\","
                + "\"kind\":\"stop\"}"), Json.mapper())).isPresent();
    }

    @Test
    void everyProblemOfABodyIsNamedByItsField() {
        var op = validator.operation("post", "/v1/commands");
        assertThatThrownBy(() -> op.checkBody(json("{\"workload\":\"\"}"), Json.mapper()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("required property 'host' not found")
                .hasMessageContaining("required property 'kind' not found")
                .hasMessageContaining("/workload");
    }

    @Test
    void queryValuesAreReadAsTheTypesTheirSchemasDeclare() {
        var audit = validator.operation("get", "/v1/audit");
        audit.checkQuery(Map.of("limit", List.of("10"), "since", List.of("2026-12-06T10:00:00Z")));
        assertThatThrownBy(() -> audit.checkQuery(Map.of("limit", List.of("0"))))
                .hasMessage("limit: must have a minimum value of 1");
        assertThatThrownBy(() -> audit.checkQuery(Map.of("limit", List.of("1", "2"))))
                .hasMessageContaining("given 2 times");
    }

    @Test
    void aRouteTheDocumentLacksFailsAtStartNotAtTheFirstRequest() {
        assertThatThrownBy(() -> validator.operation("put", "/v1/hosts"))
                .hasMessage("openapi.json has no operation PUT /v1/hosts");
    }
}
