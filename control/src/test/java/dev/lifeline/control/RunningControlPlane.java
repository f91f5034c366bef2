package dev.lifeline.control;

import dev.lifeline.control.auth.BootstrapTokens;
import dev.lifeline.control.config.ControlConfig;
import dev.lifeline.control.config.ListenAddress;
import dev.lifeline.control.store.DatabaseUrl;
import dev.lifeline.control.store.TestDatabases;
import dev.lifeline.core.fleet.MonitorRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * A real control plane for a test: its own fresh database on the test PostgreSQL, real HTTP on a free loopback port,
 * stand-ins only for the parts other branches build (the monitor and the command queue).
 */
public final class RunningControlPlane implements AutoCloseable {
    public final ControlPlane plane;
    public final ApiClient api;
    public final FleetRows rows;
    public final StubMonitor monitor = new StubMonitor();
    public final String adminToken;
    public final Path dataDir;
    private final DatabaseUrl db;

    private RunningControlPlane(Path dataDir, DatabaseUrl db) throws IOException {
        this.dataDir = dataDir;
        this.db = db;
        this.plane = ControlPlane.start(config(dataDir, db), services -> new FleetParts(config -> { }, monitor,
                new StoredCommands(services.database().jdbi(), services.clock()), () -> { }), InstantSource.system());
        this.api = new ApiClient(plane.url());
        this.rows = new FleetRows(plane.database().jdbi());
        this.adminToken = Files.readString(dataDir.resolve(BootstrapTokens.ADMIN_FILE)).strip();
    }

    /** Starts on {@code dataDir} (a test's temporary dir) and a fresh database. */
    public static RunningControlPlane start(Path dataDir) {
        return start(dataDir, TestDatabases.freshUrl());
    }

    public static RunningControlPlane start(Path dataDir, DatabaseUrl db) {
        try {
            return new RunningControlPlane(dataDir, db);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ControlConfig config(Path dataDir, DatabaseUrl db) {
        return new ControlConfig(dataDir, Optional.of(db), ListenAddress.parse("127.0.0.1:0"), Optional.empty(),
                false, Duration.ofSeconds(30), Duration.ofSeconds(10), MonitorRules.defaults());
    }

    /** Stops the control plane; its database stays (a second start on it may follow). */
    @Override
    public void close() {
        plane.close();
    }

    /** Stops the control plane and drops its database. */
    public void discard() {
        close();
        TestDatabases.drop(db);
    }
}
