package dev.lifeline.control.agentapi;

import dev.lifeline.core.fleet.wire.ReportedStack;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The SHA-256 of a report's content (each stack's name, status and detail, in order), hex: two reports with the same
 * digest say the same, so the stored one need not be written again. Computed from the parsed stacks, which costs a
 * fraction of serializing them.
 */
final class ReportDigest {
    private ReportDigest() {}

    static String of(List<ReportedStack> stacks) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        for (ReportedStack s : stacks) {
            field(sha, s.name());
            field(sha, s.status());
            field(sha, s.detail());
            sha.update((byte) '\n');
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** A field and its end; null is told apart from the empty string. */
    private static void field(MessageDigest sha, String value) {
        if (value == null) {
            sha.update((byte) 1);
        } else {
            sha.update(value.getBytes(StandardCharsets.UTF_8));
        }
        sha.update((byte) 0);
    }
}
