package dev.lifeline.control.http;

import io.javalin.config.JavalinConfig;

/**
 * A group of routes the control plane's one HTTP server serves (the agents' protocol, the users' API, the
 * dashboard); the composition root adds each to the server's configuration before it starts.
 */
@FunctionalInterface
public interface RouteSet {
    void addTo(JavalinConfig config);
}
