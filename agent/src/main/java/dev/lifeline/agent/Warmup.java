package dev.lifeline.agent;

import java.sql.DriverManager;
import org.slf4j.LoggerFactory;

/**
 * Work every start of the agent needs anyway, begun on a second thread as the process starts, while the main thread
 * reads the configuration: setting up logging, registering the JDBC driver and Jackson's object mapper (which the
 * journal and the engine client use; each about a tenth of a second on a small host, most of it class
 * initialisation). The main thread, when it gets there, finds it done or waits for it;
 * nothing is done twice and nothing here can fail the start.
 */
public final class Warmup {
    private Warmup() {}

    public static void begin() {
        Thread.ofPlatform().daemon().name("warm-up").start(() -> {
            try {
                LoggerFactory.getILoggerFactory();
                DriverManager.getDrivers();
                new com.fasterxml.jackson.databind.ObjectMapper();
            } catch (RuntimeException | LinkageError e) {
                // the main thread meets the same problem where it can report it
            }
        });
    }
}
