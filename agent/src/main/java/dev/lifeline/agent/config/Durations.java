package dev.lifeline.agent.config;

import dev.lifeline.core.time.DurationText;
import java.time.Duration;

/**
 * {@link DurationText} for the agent's configuration: a value that is not a duration is a {@link ConfigException},
 * which the loader reports with the value's source.
 */
public final class Durations {
    private Durations() {}

    public static Duration parse(String key, String text) {
        try {
            return DurationText.parse(key, text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    public static String format(Duration d) {
        return DurationText.format(d);
    }
}
