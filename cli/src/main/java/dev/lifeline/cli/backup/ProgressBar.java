package dev.lifeline.cli.backup;

import java.time.Duration;
import java.util.Locale;

/** The one-line progress display of {@code lifeline backup now --wait} on a terminal. */
public final class ProgressBar {
    /** Cells between the brackets. */
    public static final int WIDTH = 24;

    private ProgressBar() {}

    /**
     * {@code uploading    [##########..............]  42.5%  1.2 GiB / 2.9 GiB  elapsed 1m05s}. Before the
     * upload starts (no progress yet) the bar is empty and the percent reads {@code --}; a done job shows a full bar
     * even when its record no longer carries progress.
     */
    public static String line(String phase, BackupModel.Progress progress, Duration elapsed) {
        if ("done".equals(phase) && progress == null) {
            progress = new BackupModel.Progress(100, 0, 0, 0, 0, 0);
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-12s", phase == null ? "?" : phase));
        double percent = progress == null ? 0 : Math.max(0, Math.min(100, progress.percent()));
        int filled = (int) Math.floor(percent / 100 * WIDTH);
        line.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append(']');
        line.append(progress == null ? "     --" : String.format(Locale.ROOT, " %5.1f%%", percent));
        if (progress != null && progress.bytesTotal() > 0) {
            line.append("  ").append(Human.bytes(progress.bytesDone())).append(" / ")
                    .append(Human.bytes(progress.bytesTotal()));
        }
        line.append("  elapsed ").append(Human.duration(elapsed));
        return line.toString();
    }

    /**
     * What to write to redraw the line in place: a carriage return, the line, and enough blanks to cover what is
     * left of a longer previous line.
     */
    public static String redraw(String line, int previousLength) {
        return "\r" + line + " ".repeat(Math.max(0, previousLength - line.length()));
    }
}
