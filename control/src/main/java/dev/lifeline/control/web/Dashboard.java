package dev.lifeline.control.web;

import dev.lifeline.control.http.RouteSet;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/**
 * The dashboard at {@code /}: plain HTML, CSS and JavaScript from the jar ({@code /web}), no build step and nothing
 * fetched from elsewhere (the content security policy allows this origin only). It asks for a token once, keeps it
 * in the tab's session storage, and reads and acts through the API for people like any script.
 */
public final class Dashboard implements RouteSet {
    static final String POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";

    @Override
    public void addTo(JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/web";
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Content-Security-Policy", POLICY, "X-Content-Type-Options", "nosniff",
                    "Referrer-Policy", "no-referrer", "Cache-Control", "no-cache");
        });
    }
}
