package dev.lifeline.core.snapshot;

import java.util.Locale;

/** Human byte counts for messages ({@code 512 B}, {@code 1 GiB}, {@code 2.1 GiB}) and for configuration. */
public final class ByteSizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSizes() {}

    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = String.format(Locale.ROOT, "%.1f", value);
        if (number.endsWith(".0")) {
            number = number.substring(0, number.length() - 2);
        }
        return number + " " + UNITS[unit];
    }

    /**
     * Parses a size such as {@code 0}, {@code 4096}, {@code 500MiB}, {@code 2GiB} or {@code 1.5 GiB} (binary units
     * B, KiB, MiB, GiB, TiB; {@code KB}, {@code MB}... are read as the binary ones too, as most tools do).
     *
     * @throws IllegalArgumentException naming the text when it is not a size
     */
    public static long parse(String text) {
        String t = text == null ? "" : text.trim();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]i?B|B)?",
                java.util.regex.Pattern.CASE_INSENSITIVE).matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size; use for example 0, 500MiB or 2GiB");
        }
        double number = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        int power = switch (unit.charAt(0)) {
            case 'K' -> 1;
            case 'M' -> 2;
            case 'G' -> 3;
            case 'T' -> 4;
            default -> 0;
        };
        double bytes = number * Math.pow(1024, power);
        if (bytes > Long.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return (long) bytes;
    }
}
