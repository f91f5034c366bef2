package dev.lifeline.control.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Bearer tokens: 256 random bits, base64url, with a prefix that says what the token is for ({@code llc_admin_},
 * {@code llc_team_}, {@code llc_join_}, {@code llc_host_}), so that a token pasted in the wrong place is recognised.
 * Only the SHA-256 of a token is stored: the tokens are random, so a slow password hash would add nothing.
 */
public final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {}

    /** A new token for {@code kind} (admin, team, join, host). */
    public static String generate(String kind) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "llc_" + kind + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The token from an {@code Authorization: Bearer ...} header value, or null. */
    public static String fromAuthorization(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).strip();
        return token.isEmpty() ? null : token;
    }
}
