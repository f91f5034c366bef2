package dev.lifeline.control.agentapi;

import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.TestDatabases;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One control-plane replica for tests: the agent API on a real database, served over real HTTP on a loopback port,
 * recording the hosts it was told came back.
 */
public final class ControlPlaneServer implements AutoCloseable {
    private final Database db;
    private final boolean ownsDatabase;
    private final AgentApi api;
    private final Javalin http;
    private final List<UUID> hostsBack = new CopyOnWriteArrayList<>();

    private ControlPlaneServer(Database db, boolean ownsDatabase, AgentApiSettings settings, String replica) {
        this.db = db;
        this.ownsDatabase = ownsDatabase;
        this.api = AgentApi.start(db, InstantSource.system(), settings, hostsBack::add, replica);
        this.http = Javalin.create(config -> api.routes().addTo(config)).start("127.0.0.1", 0);
    }

    /** A replica on a fresh database, telling agents to beat every {@code heartbeatInterval}. */
    public static ControlPlaneServer start(Duration heartbeatInterval) {
        return new ControlPlaneServer(TestDatabases.fresh(), true, AgentApiSettings.defaults(heartbeatInterval),
                "replica-a");
    }

    /** Another replica on the same database (the caller closes the database). */
    public static ControlPlaneServer replica(Database db, Duration heartbeatInterval, String name) {
        return new ControlPlaneServer(db, false, AgentApiSettings.defaults(heartbeatInterval), name);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + http.port());
    }

    public int port() {
        return http.port();
    }

    public Database db() {
        return db;
    }

    public Fleet fleet() {
        return new Fleet(db);
    }

    public AgentApi api() {
        return api;
    }

    public List<UUID> hostsBack() {
        return hostsBack;
    }

    @Override
    public void close() {
        api.close();
        http.stop();
        if (ownsDatabase) {
            db.close();
        }
    }
}
