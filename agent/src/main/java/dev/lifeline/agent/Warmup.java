package dev.lifeline.agent;

import java.sql.DriverManager;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Work every start of the agent needs anyway, begun on a second thread as the process starts, while the main thread
 * reads the configuration: setting up logging, registering the JDBC driver and Jackson's object mapper (which the
 * journal and the engine client use; each about a tenth of a second on a small host, most of it class
 * initialisation). The main thread waits for logging before its first log line ({@link #awaitLogging}: a line
 * logged while logging is being set up is only replayed later, with a warning on standard error); the rest it finds
 * done or waits for. Nothing is done twice and nothing here can fail the start.
 */
public final class Warmup {
    private static final long LOGGING_WAIT_SECONDS = 30;
    private final CountDownLatch logging = new CountDownLatch(1);

    private Warmup() {}

    public static Warmup begin() {
        Warmup warmup = new Warmup();
        Thread.ofPlatform().daemon().name("warm-up").start(warmup::run);
        return warmup;
    }

    private void run() {
        try {
            LoggerFactory.getILoggerFactory();
        } catch (RuntimeException | LinkageError e) {
            // the main thread meets the same problem where it can report it
        } finally {
            logging.countDown();
        }
        try {
            DriverManager.getDrivers();
            new com.fasterxml.jackson.databind.ObjectMapper();
        } catch (RuntimeException | LinkageError e) {
            // as above
        }
    }

    /** Returns once logging is set up (or after a generous bound, when the warm-up thread is stuck). */
    public void awaitLogging() throws InterruptedException {
        logging.await(LOGGING_WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
