package dev.lifeline.control.auth;

/** The outcome of reading a bearer token for the API for people. */
public sealed interface Authentication {

    record Authenticated(Principal principal) implements Authentication {}

    /** No usable token; {@code reason} says why and what to do, and never repeats the token. */
    record Refused(String reason) implements Authentication {}
}
