package dev.lifeline.core.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a hook label value into an exec argument list, without a shell.
 *
 * <p>Rules: unquoted whitespace separates arguments; {@code '...'} keeps everything inside literally;
 * {@code "..."} keeps everything inside literally except {@code \"} and {@code \\}; outside quotes a backslash keeps
 * the next character literally. Quotes join with adjacent text ({@code a"b c"} is one argument {@code ab c});
 * {@code ''} is an empty argument.
 *
 * <p>A value is malformed when a quote is not closed, it ends with a lone backslash, it holds no argument or its
 * first argument is empty, or it has an unquoted shell operator as a whole argument ({@code | || & && ; > >> <}):
 * that value was written for a shell and would not do what it says when run as an argument list. Whoever needs a
 * shell writes {@code sh -c '...'}. A malformed value is reported, never handed to a shell.
 */
public final class CommandLine {
    private static final Set<String> SHELL_OPERATORS = Set.of("|", "||", "&", "&&", ";", ">", ">>", "<");

    private CommandLine() {}

    /** The outcome of {@link #split(String)}. */
    public sealed interface Result {}

    /** The argument list, program first; never empty. */
    public record Argv(List<String> args) implements Result {
        public Argv {
            args = List.copyOf(args);
            if (args.isEmpty()) {
                throw new IllegalArgumentException("an argument list holds at least the program");
            }
        }
    }

    /** Why the value cannot be an argument list. */
    public record Malformed(String reason) implements Result {}

    public static Result split(String value) {
        if (value == null) {
            return new Malformed("no command");
        }
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inArgument = false;
        boolean quotedPart = false;
        int i = 0;
        int n = value.length();
        while (i < n) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inArgument) {
                    String operator = operatorOrNull(current, quotedPart);
                    if (operator != null) {
                        return shellOperator(operator);
                    }
                    args.add(current.toString());
                    current.setLength(0);
                    inArgument = false;
                    quotedPart = false;
                }
                i++;
            } else if (c == '\'') {
                int close = value.indexOf('\'', i + 1);
                if (close < 0) {
                    return new Malformed("single quote at position " + (i + 1) + " is not closed");
                }
                current.append(value, i + 1, close);
                inArgument = true;
                quotedPart = true;
                i = close + 1;
            } else if (c == '"') {
                int j = i + 1;
                boolean closed = false;
                while (j < n) {
                    char d = value.charAt(j);
                    if (d == '"') {
                        closed = true;
                        break;
                    }
                    if (d == '\\' && j + 1 < n && (value.charAt(j + 1) == '"' || value.charAt(j + 1) == '\\')) {
                        current.append(value.charAt(j + 1));
                        j += 2;
                    } else {
                        current.append(d);
                        j++;
                    }
                }
                if (!closed) {
                    return new Malformed("double quote at position " + (i + 1) + " is not closed");
                }
                inArgument = true;
                quotedPart = true;
                i = j + 1;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    return new Malformed("ends with a lone backslash");
                }
                current.append(value.charAt(i + 1));
                inArgument = true;
                quotedPart = true;
                i += 2;
            } else {
                current.append(c);
                inArgument = true;
                i++;
            }
        }
        if (inArgument) {
            String operator = operatorOrNull(current, quotedPart);
            if (operator != null) {
                return shellOperator(operator);
            }
            args.add(current.toString());
        }
        if (args.isEmpty()) {
            return new Malformed("no command");
        }
        if (args.getFirst().isEmpty()) {
            return new Malformed("the program name is empty");
        }
        return new Argv(args);
    }

    private static String operatorOrNull(StringBuilder argument, boolean quoted) {
        String text = argument.toString();
        return !quoted && SHELL_OPERATORS.contains(text) ? text : null;
    }

    private static Malformed shellOperator(String operator) {
        return new Malformed("unquoted '" + operator + "' needs a shell, and hooks run without one;"
                + " write sh -c '...' to use a shell");
    }
}
