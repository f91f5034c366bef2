package dev.lifeline.agent.engine;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Parses engine timestamps; Go's zero time ({@code 0001-01-01T00:00:00Z}) means "never". */
final class EngineTimes {
    private EngineTimes() {}

    static Optional<Instant> parse(String value) {
        if (value == null || value.isBlank() || value.startsWith("0001-01-01")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(OffsetDateTime.parse(value).toInstant());
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }
}
