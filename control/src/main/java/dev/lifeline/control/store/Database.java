package dev.lifeline.control.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lifeline.core.log.KeyValues;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's database: a connection pool (HikariCP), the schema brought up to date by Flyway
 * ({@code db/migration}) before anything else touches it, and Jdbi on top for the queries.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final DatabaseUrl url;

    private Database(HikariDataSource pool, DatabaseUrl url) {
        this.pool = pool;
        this.url = url;
        this.jdbi = Jdbi.create(pool).installPlugin(new PostgresPlugin());
    }

    /**
     * Connects (waiting up to 10 s for a server that is still starting), migrates, and returns the database; fails
     * with the reason when the server cannot be used.
     */
    public static Database open(DatabaseUrl url, int poolSize) {
        return open(url, poolSize, Duration.ofSeconds(10));
    }

    public static Database open(DatabaseUrl url, int poolSize, Duration connectWait) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        if (url.password() != null) {
            config.setPassword(url.password());
        }
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("lifeline-control");
        config.setInitializationFailTimeout(Math.max(1, connectWait.toMillis()));
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to PostgreSQL at " + url + ": " + rootMessage(e)
                    + " (check --db, that the server runs and accepts this user)", e);
        }
        try {
            MigrateResult result = Flyway.configure().dataSource(pool).locations("classpath:db/migration")
                    .load().migrate();
            LOG.info(KeyValues.line("event", "schema_migrated", "database", url, "applied",
                    result.migrationsExecuted, "version", result.targetSchemaVersion));
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException("cannot bring the schema of " + url + " up to date: " + rootMessage(e), e);
        }
        return new Database(pool, url);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return pool;
    }

    /**
     * A new connection outside the pool, for a caller that keeps it for its whole life (a LISTEN for notifications);
     * the caller closes it.
     */
    public Connection dedicatedConnection() throws SQLException {
        return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    }

    /** Where the database is, for logs (never with its password). */
    public DatabaseUrl url() {
        return url;
    }

    @Override
    public void close() {
        pool.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
