package dev.lifeline.control.store;

import dev.lifeline.core.log.KeyValues;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (binaries shipped in the jar, linux amd64 and arm64) on loopback, for {@code lifeline
 * control} with no {@code --db}: its data dir is kept across starts, and unlike the library's test defaults it runs
 * with {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on, since the audit log and the
 * fleet's records must survive a power cut.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final String DATABASE = "lifeline";

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts (creating the data dir the first time) and makes sure the {@code lifeline} database exists. */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        return start(dataDir, port, true);
    }

    /**
     * As {@link #start(Path, int)}; {@code durable = false} only for tests, which throw their databases away (the
     * library's fast settings).
     */
    public static EmbeddedDatabase start(Path dataDir, int port, boolean durable) {
        try {
            Files.createDirectories(dataDir.getParent());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(dataDir)
                    .setCleanDataDirectory(false).setRegisterShutdownHook(true)
                    .setServerConfig("listen_addresses", "127.0.0.1");
            if (port > 0) {
                builder.setPort(port);
            }
            if (durable) {
                builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on");
            }
            EmbeddedPostgres pg = builder.start();
            EmbeddedDatabase db = new EmbeddedDatabase(pg);
            db.createDatabaseIfMissing();
            LOG.info(KeyValues.line("event", "embedded_postgres_started", "data_dir", dataDir, "port",
                    pg.getPort(), "durable", durable));
            return db;
        } catch (IOException | SQLException e) {
            throw new StoreException("cannot start the embedded PostgreSQL in " + dataDir + ": " + e.getMessage()
                    + " (a PostgreSQL of another version may have written that dir; or pass --db to use a server)", e);
        }
    }

    public DatabaseUrl url() {
        return new DatabaseUrl(postgres.getJdbcUrl("postgres", DATABASE), "postgres", null,
                "postgres@127.0.0.1:" + postgres.getPort() + "/" + DATABASE + " (embedded)");
    }

    public int port() {
        return postgres.getPort();
    }

    private void createDatabaseIfMissing() throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("CREATE DATABASE " + DATABASE);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn(KeyValues.line("event", "embedded_postgres_stop_failed", "error", e.getMessage()));
        }
    }
}
