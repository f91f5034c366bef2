package dev.lifeline.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Lifeline's logging, set up in code: one line per event, {@code key=value}, to standard error (journald captures
 * it under systemd), at the level of {@code LIFELINE_LOG_LEVEL} (INFO by default). Reading the same from an XML file
 * cost every start of the agent more than a tenth of a second (XML parser, configuration model), on the way to every
 * recovery. A configuration file given with {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} on
 * the class path (the tests'), is still honoured: logback reads it instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} level=%level logger=%logger{0} %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, System.getenv("LIFELINE_LOG_LEVEL"));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static void apply(LoggerContext context, String levelName) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = level(levelName);
        root.setLevel(level);
        root.addAppender(stderr);
        context.getLogger("com.github.dockerjava").setLevel(Level.WARN);
        context.getLogger("org.apache").setLevel(Level.WARN);
        // the control plane's libraries: their start-up chatter is not an event of Lifeline's
        for (String quiet : new String[] {"org.eclipse.jetty", "io.javalin", "com.zaxxer.hikari", "org.flywaydb",
                "io.zonky", "com.networknt"}) {
            context.getLogger(quiet).setLevel(Level.WARN);
        }
        if (levelName != null && !levelName.isBlank() && !level.levelStr.equalsIgnoreCase(levelName.strip())) {
            context.getLogger(LogSetup.class).warn("event=log_level_unknown LIFELINE_LOG_LEVEL=\"{}\" using={} "
                    + "known=\"TRACE, DEBUG, INFO, WARN, ERROR, OFF\"", levelName, level);
        }
    }

    /** The root level from {@code LIFELINE_LOG_LEVEL}: INFO when unset or not a level's name. */
    static Level level(String name) {
        return name == null || name.isBlank() ? Level.INFO : Level.toLevel(name.strip(), Level.INFO);
    }
}
