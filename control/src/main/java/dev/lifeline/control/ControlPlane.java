package dev.lifeline.control;

import dev.lifeline.control.api.PeopleApi;
import dev.lifeline.control.auth.BootstrapTokens;
import dev.lifeline.control.auth.TeamStore;
import dev.lifeline.control.auth.TokenStore;
import dev.lifeline.control.config.ControlConfig;
import dev.lifeline.control.http.ControlServer;
import dev.lifeline.control.http.HealthRoutes;
import dev.lifeline.control.http.HealthRoutes.Readiness;
import dev.lifeline.control.http.Json;
import dev.lifeline.control.metrics.FleetGauges;
import dev.lifeline.control.metrics.MetricsRoute;
import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.DatabaseUrl;
import dev.lifeline.control.store.EmbeddedDatabase;
import dev.lifeline.control.web.Dashboard;
import dev.lifeline.core.log.KeyValues;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lifeline control}: the composition root. In order: the data dir (0700), the database (the operator's
 * PostgreSQL, or the embedded one in {@code DATA_DIR/postgres}) migrated, the team {@code default} and the token files
 * of the first start, the fleet's parts (agents' protocol, monitor, command queue), one HTTP server for the API for
 * people, the dashboard, the agents, health and metrics; then {@code DATA_DIR/control.address} for local clients, and
 * the monitor's first pass. {@link #close()} undoes it in reverse.
 */
public final class ControlPlane implements AutoCloseable {
    public static final String ADDRESS_FILE = "control.address";
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    private static final int POOL_SIZE = 16;

    private final List<AutoCloseable> opened;
    private final Database database;
    private final ControlServer server;

    private ControlPlane(List<AutoCloseable> opened, Database database, ControlServer server) {
        this.opened = opened;
        this.database = database;
        this.server = server;
    }

    /** The fleet's parts: the agents' protocol, the host monitor and the command queue ({@link ConnectedParts}). */
    public static FleetParts.Factory fleetParts() {
        return ConnectedParts::create;
    }

    /** Starts everything, or nothing: a failure closes what was opened and is thrown. */
    public static ControlPlane start(ControlConfig config, FleetParts.Factory partsFactory, InstantSource clock) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            createDataDir(config.dataDir());
            DatabaseUrl url;
            if (config.database().isPresent()) {
                url = config.database().get();
            } else {
                EmbeddedDatabase embedded = EmbeddedDatabase.start(config.embeddedDatabaseDir(), 0);
                opened.add(embedded);
                url = embedded.url();
            }
            Database database = Database.open(url, POOL_SIZE);
            opened.add(database);
            BootstrapTokens.ensure(config.dataDir(), database.jdbi(), new TeamStore(database.jdbi()),
                    new TokenStore(database.jdbi()), clock.instant());
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(metrics);
            new JvmThreadMetrics().bindTo(metrics);
            opened.add(metrics::close);
            FleetParts parts = partsFactory.create(new ControlServices(config, database, clock, metrics,
                    Json.mapper()));
            opened.add(parts.monitor());
            ControlServer server = ControlServer.start(config.listen(), config.tls(), List.of(
                    new HealthRoutes(() -> readiness(database, parts.monitor())),
                    new MetricsRoute(metrics, new FleetGauges(database.jdbi(), metrics)),
                    new PeopleApi(database.jdbi(), parts.commands(), clock, Json.mapper()),
                    parts.agentProtocol(),
                    new Dashboard()));
            opened.add(server);
            opened.add(parts.agents());
            Files.writeString(config.dataDir().resolve(ADDRESS_FILE), server.url() + "\n");
            parts.monitor().start();
            LOG.info(KeyValues.line("event", "control_started", "url", server.url(), "database", url, "data_dir",
                    config.dataDir()));
            return new ControlPlane(opened, database, server);
        } catch (IOException e) {
            closeAll(opened);
            throw new UncheckedIOException("cannot use the data dir " + config.dataDir() + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            closeAll(opened);
            throw e;
        }
    }

    /** Ready: the database answers (it was migrated at start) and the monitor ran its first pass. */
    private static Readiness readiness(Database database, MonitorLoop monitor) {
        try {
            database.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
        } catch (JdbiException e) {
            return new Readiness(false, "the database does not answer: " + e.getMessage());
        }
        if (!monitor.firstPassDone()) {
            return new Readiness(false, "the host monitor has not finished its first pass");
        }
        return new Readiness(true, "database migrated, monitor running");
    }

    private static void createDataDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** The base URL of this machine's clients ({@code http://127.0.0.1:7420}). */
    public String url() {
        return server.url();
    }

    public Database database() {
        return database;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        closeAll(opened);
        LOG.info(KeyValues.line("event", "control_stopped"));
    }

    private static void closeAll(List<AutoCloseable> opened) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                LOG.warn(KeyValues.line("event", "control_close_failed", "part", opened.get(i).getClass()
                        .getSimpleName(), "error", e.toString()));
            }
        }
        opened.clear();
    }
}
