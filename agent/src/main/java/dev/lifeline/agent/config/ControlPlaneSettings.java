package dev.lifeline.agent.config;

import dev.lifeline.agent.control.PemTrust;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the {@code control-plane.*} keys: the URL (https, or plain http only to a loopback address unless
 * {@code control-plane.allow-insecure} says so, since the tokens would cross the network in clear), the join token
 * file, the heartbeat interval and the PEM CA file (read and parsed now, so that a wrong file fails the start, not
 * the first heartbeat).
 */
final class ControlPlaneSettings {
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._-]{1,253}");
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_INTERVAL = Duration.ofHours(1);

    private ControlPlaneSettings() {}

    static Optional<AgentConfig.ControlPlane> read(ConfigLoader.Reader r) {
        String url = r.string("control-plane.url");
        String joinTokenFile = r.string("control-plane.join-token-file");
        String caFile = r.string("control-plane.ca-file");
        boolean allowInsecure = r.bool("control-plane.allow-insecure");
        String hostName = r.string("control-plane.host-name").strip();
        if (!hostName.isEmpty() && !HOST_NAME.matcher(hostName).matches()) {
            throw r.bad("control-plane.host-name", "must be 1 to 253 letters, digits, dots, dashes or underscores "
                    + "(the name this host joins the fleet under; empty = the machine's name)");
        }
        Duration interval = r.positiveDuration("control-plane.heartbeat-interval");
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw r.bad("control-plane.heartbeat-interval", "must be between 1s and 1h");
        }
        if (url.isBlank()) {
            if (!joinTokenFile.isBlank()) {
                throw r.bad("control-plane.join-token-file", "is set but control-plane.url is not: set the control"
                        + " plane's URL too (--control-plane URL)");
            }
            if (!caFile.isBlank()) {
                throw r.bad("control-plane.ca-file", "is set but control-plane.url is not");
            }
            return Optional.empty();
        }
        URI uri = parse(r, url);
        boolean https = uri.getScheme().equals("https");
        if (!https && !allowInsecure && !isLoopback(uri.getHost())) {
            throw r.bad("control-plane.url", "is plain http to a host that is not loopback: the host token would cross"
                    + " the network in clear. Use https://, or set control-plane.allow-insecure: true if the network"
                    + " is private and trusted");
        }
        Optional<Path> ca = Optional.empty();
        if (!caFile.isBlank()) {
            if (!https) {
                throw r.bad("control-plane.ca-file", "is set but control-plane.url is plain http: a CA only matters"
                        + " for https://");
            }
            try {
                PemTrust.certificates(Path.of(caFile));
            } catch (IllegalArgumentException e) {
                throw r.bad("control-plane.ca-file", "cannot be used: " + e.getMessage());
            }
            ca = Optional.of(Path.of(caFile));
        }
        return Optional.of(new AgentConfig.ControlPlane(uri, Optional.of(joinTokenFile).filter(s -> !s.isBlank())
                .map(Path::of), interval, ca, allowInsecure, Optional.of(hostName).filter(s -> !s.isEmpty())));
    }

    private static URI parse(ConfigLoader.Reader r, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw r.bad("control-plane.url", "is not a URL (" + e.getReason() + "); expected for example"
                    + " https://control.example:7420");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw r.bad("control-plane.url", "must start with https:// (or http:// to a loopback address)");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw r.bad("control-plane.url", "has no host; expected for example https://control.example:7420");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw r.bad("control-plane.url", "must be a plain base URL: no user, query or fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }

    /** Only names that are loopback by definition count; no name is looked up. */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || IPV4_LOOPBACK.matcher(h).matches();
    }
}
