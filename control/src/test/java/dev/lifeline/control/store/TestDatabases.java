package dev.lifeline.control.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real PostgreSQL for the control plane's tests: one embedded server per test JVM (the library's fast settings: tests
 * throw their data away), and a fresh, migrated database for every caller, so tests never see each other's rows.
 */
public final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedDatabase server;

    private TestDatabases() {}

    /** A new empty database with the schema applied; close it when done (the server stays for the next test). */
    public static Database fresh() {
        return Database.open(freshUrl(), 8);
    }

    /** A new empty database, not migrated yet: for what opens the database itself (the control plane's start). */
    public static DatabaseUrl freshUrl() {
        String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = DriverManager.getConnection(urlOf("postgres").jdbcUrl(), "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return urlOf(name);
    }

    /**
     * Drops a database made by {@link #freshUrl()} once its test is done with it: the server's data dir is deleted
     * file by file when the test JVM exits, and with every database of a run kept that took longer than surefire
     * lets a JVM take to exit.
     */
    public static void drop(DatabaseUrl url) {
        String name = url.jdbcUrl().substring(url.jdbcUrl().lastIndexOf('/') + 1);
        try (Connection c = DriverManager.getConnection(urlOf("postgres").jdbcUrl(), "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }

    /** The URL of database {@code name} on the shared test server. */
    public static DatabaseUrl urlOf(String name) {
        return DatabaseUrl.parse("postgresql://postgres@127.0.0.1:" + server().port() + "/" + name);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("event=test_postgres_cleanup_failed dir=" + dir + " error=" + e.getMessage());
        }
    }

    public static synchronized EmbeddedDatabase server() {
        if (server == null) {
            try {
                Path dir = Files.createTempDirectory("lifeline-test-pg-");
                server = EmbeddedDatabase.start(dir.resolve("data"), 0, false);
                EmbeddedDatabase started = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    started.close();
                    deleteTree(dir);
                }, "test-postgres-cleanup"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }
}
