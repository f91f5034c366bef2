package dev.lifeline.agent.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapping used by the API and the CLI: ISO-8601 instants, never numbers. */
public final class Json {
    private Json() {}

    /** Stack names are plain strings on the wire. */
    private abstract static class StackNameAsString {
        @com.fasterxml.jackson.annotation.JsonValue
        abstract String value();
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .addMixIn(dev.lifeline.core.model.StackName.class, StackNameAsString.class)
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
