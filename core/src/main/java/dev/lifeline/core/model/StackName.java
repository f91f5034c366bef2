package dev.lifeline.core.model;

import java.util.regex.Pattern;

/** The name users use for a stack: a compose project, a {@code lifeline.stack} label or a lone container's name. */
public record StackName(String value) implements Comparable<StackName> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    public StackName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid stack name '" + value
                    + "': use 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
    }

    public static StackName of(String value) {
        return new StackName(value);
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    @Override
    public int compareTo(StackName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
