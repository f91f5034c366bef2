package dev.lifeline.control.auth;

/** A new token: {@code token} is the secret, shown this once and never stored. */
public record MintedToken(String token, TokenInfo info) {}
