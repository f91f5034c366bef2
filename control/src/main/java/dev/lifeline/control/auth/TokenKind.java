package dev.lifeline.control.auth;

import java.util.Locale;

/** What a token is for (the {@code tokens.kind} column and the token's prefix). */
public enum TokenKind {
    /** The operator: every team; creates teams and tokens. */
    ADMIN,
    /** One team's API. */
    TEAM,
    /** Registers one host into a team, once. */
    JOIN,
    /** One agent's heartbeats. */
    HOST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TokenKind fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
