package dev.lifeline.core.supervise;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The signal an engine's {@code kill} event names ({@code docker stop} and {@code docker kill} record one; Podman's
 * kill event names none), and whether it is a request to end the process.
 *
 * <p>A stop signal is one whose default action ends a process (terminate or core dump, signal(7)), except the ones
 * programs conventionally handle to do something and carry on: {@code HUP} (reload the configuration), {@code USR1}
 * and {@code USR2} (reopen logs, dump state: the app decides) and the real-time signals (app-defined). Signals that are
 * ignored or stop (pause) a process by default ({@code WINCH}, {@code CHLD}, {@code URG}, {@code CONT}, {@code STOP},
 * {@code TSTP}, ...) are no stop either.
 *
 * @param number the Linux signal number (1..64)
 */
public record KillSignal(int number) {
    /** Linux signal names by number, 1..31 (the same on x86-64 and arm64). */
    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");
    /** Ignored, stopping or continuing by default, or conventionally handled: never a request to end. */
    private static final List<String> NOT_A_STOP = List.of("HUP", "USR1", "USR2", "CHLD", "CONT", "STOP", "TSTP",
            "TTIN", "TTOU", "URG", "WINCH");
    private static final int MAX = 64;

    public KillSignal {
        if (number < 1 || number > MAX) {
            throw new IllegalArgumentException("signal number must be 1.." + MAX + ", got " + number);
        }
    }

    /**
     * Reads the event's {@code signal} attribute: a number ({@code "15"}, what Docker records) or a name with or without
     * {@code SIG} ({@code "SIGTERM"}, {@code "term"}). Empty when there is none or it is not a signal.
     */
    public static Optional<KillSignal> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String s = text.strip().toUpperCase(Locale.ROOT);
        if (s.chars().allMatch(Character::isDigit) && s.length() <= 2) {
            int n = Integer.parseInt(s);
            return n >= 1 && n <= MAX ? Optional.of(new KillSignal(n)) : Optional.empty();
        }
        String name = s.startsWith("SIG") ? s.substring(3) : s;
        int n = NAMES.indexOf(name.equals("POLL") ? "IO" : name);
        return n > 0 ? Optional.of(new KillSignal(n)) : Optional.empty();
    }

    /** Whether someone sending it means the process to end (TERM, KILL, INT, QUIT, ...), see the class comment. */
    public boolean endsTheProcess() {
        return number < NAMES.size() && !NOT_A_STOP.contains(NAMES.get(number));
    }

    /** "SIGTERM", or "SIGRTMIN+3" style for the real-time signals (34..64), "signal 32" for the two glibc keeps. */
    @Override
    public String toString() {
        if (number < NAMES.size()) {
            return "SIG" + NAMES.get(number);
        }
        return number >= 34 ? "SIGRTMIN+" + (number - 34) : "signal " + number;
    }
}
