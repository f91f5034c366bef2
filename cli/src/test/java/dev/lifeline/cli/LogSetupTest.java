package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

class LogSetupTest {

    @Test
    void oneKeyValueLineToStandardErrorAtTheLevelOfTheEnvironment() {
        LoggerContext context = new LoggerContext();
        LogSetup.apply(context, "debug");
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
        assertThat(root.getAppender("STDERR")).isInstanceOfSatisfying(ConsoleAppender.class,
                a -> assertThat(a.getTarget()).isEqualTo("System.err"));
        assertThat(context.getLogger("com.github.dockerjava").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.apache").getLevel()).isEqualTo(Level.WARN);
        assertThat(LogSetup.PATTERN).contains("level=%level").contains("logger=%logger{0}").contains("UTC");
    }

    @Test
    void unsetMeansInfoAndAnUnknownLevelIsNamedInAWarning() {
        assertThat(LogSetup.level(null)).isEqualTo(Level.INFO);
        assertThat(LogSetup.level(" ")).isEqualTo(Level.INFO);
        assertThat(LogSetup.level("WARN")).isEqualTo(Level.WARN);

        LoggerContext context = new LoggerContext();
        ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ListAppender<>();
        seen.setContext(context);
        seen.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(seen);
        LogSetup.apply(context, "chatty");
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        assertThat(seen.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains("event=log_level_unknown").contains("\"chatty\"").contains("using=INFO"));
    }

    @Test
    void theTestsOwnConfigurationFileWinsOverTheBuiltInOne() {
        // this test's class path has logback-test.xml: logback must be left to read it
        assertThat(new LogSetup().configure(new LoggerContext())).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }
}
