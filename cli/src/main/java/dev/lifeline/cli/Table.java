package dev.lifeline.cli;

import java.util.List;

/** Plain aligned columns for humans. */
public final class Table {
    private Table() {}

    static void print(List<List<String>> rows) {
        System.out.print(render(rows));
    }

    /** The rows as aligned columns, one line each (the first row is usually the header). */
    public static String render(List<List<String>> rows) {
        int cols = rows.get(0).size();
        int[] width = new int[cols];
        for (List<String> row : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                line.append(String.format("%-" + (width[i] + 2) + "s", row.get(i)));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
