package dev.lifeline.core.fleet.wire;

/** {@code POST /v1/agent/register}: a one-time join token buys a host token. */
public record RegisterRequest(String joinToken, String hostname, String agentVersion) {}
