package dev.lifeline.control.http;

import dev.lifeline.control.config.ListenAddress;
import dev.lifeline.control.config.TlsFiles;
import dev.lifeline.core.log.KeyValues;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's one HTTP server (Javalin on Jetty): every {@link RouteSet} added before it starts, the one JSON
 * mapping ({@link Json}), virtual threads (agents' long-polls wait without holding a platform thread), and HTTPS from
 * the operator's PEM files when configured.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    private final Javalin app;
    private final String url;

    private ControlServer(Javalin app, String url) {
        this.app = app;
        this.url = url;
    }

    public static ControlServer start(ListenAddress listen, Optional<TlsFiles> tls, List<RouteSet> routes) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            config.jetty.host = listen.host();
            config.jetty.port = listen.port();
            tls.ifPresent(files -> config.jetty.addConnector((server, http) -> httpsConnector(server, http, listen,
                    files)));
            routes.forEach(r -> r.addTo(config));
            config.routes.error(404, ControlServer::noRoute);
        });
        app.start();
        String scheme = tls.isPresent() ? "https" : "http";
        String host = wildcard(listen.host()) ? "127.0.0.1" : listen.host();
        String url = scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + app.port();
        LOG.info(KeyValues.line("event", "control_listening", "address", listen, "url", url, "tls", tls.isPresent()));
        return new ControlServer(app, url);
    }

    /** The base URL a client on this machine uses ({@code https://127.0.0.1:7420}). */
    public String url() {
        return url;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    private static ServerConnector httpsConnector(Server server, HttpConfiguration http,
            ListenAddress listen, TlsFiles files) {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        KeyStore store = PemKeyStore.load(files.certificate(), files.privateKey(), password.toCharArray());
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(store);
        ssl.setKeyStorePassword(password);
        ssl.setCertAlias(PemKeyStore.ALIAS);
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // agents and scripts often reach the control plane by IP, which a certificate for its DNS name does not list
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        connector.setHost(listen.host());
        connector.setPort(listen.port());
        return connector;
    }

    /**
     * A request no route takes (it passed through no endpoint): {error, detail} like every other error, instead of
     * Javalin's text; a route's own 404 keeps its answer.
     */
    private static void noRoute(Context ctx) {
        if (ctx.endpoints().list().isEmpty()) {
            ctx.json(Map.of("error", "no_route", "detail", "no route " + ctx.method() + " " + ctx.path()
                    + "; /openapi.json lists the API"));
        }
    }

    private static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }
}
