package dev.lifeline.agent.restic;

import static dev.lifeline.agent.restic.ResticTestSupport.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lifeline.core.repository.RepositoryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The password and backend credentials never show on command lines, in the environment we pass, logs or errors. */
class ResticSecretsTest {
    static final String AWS_SECRET = "aws-secret-value-31337";
    static final String URL_PASSWORD = "hunter2secret";

    @TempDir
    Path dir;

    Path passwordFile;
    Logger logger;
    ListAppender<ILoggingEvent> logs;
    Level previousLevel;

    @BeforeAll
    static void restic() {
        ResticTestSupport.requireRestic();
    }

    @BeforeEach
    void captureLogs() throws Exception {
        passwordFile = ResticTestSupport.passwordFile(dir, "password", PASSWORD, "r--------");
        logger = (Logger) LoggerFactory.getLogger("dev.lifeline.agent.restic");
        previousLevel = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logs);
        logger.setLevel(previousLevel);
    }

    @Test
    void the_password_is_never_on_a_running_restics_command_line_or_in_its_environment() throws Exception {
        // a wrapper records every command line and environment restic is started with
        Path record = dir.resolve("invocations");
        Path wrapper = ResticTestSupport.script(dir, "restic-wrapper",
                "{ echo \"ARGS: $*\"; env; } >> '" + record + "'\nexec restic \"$@\"\n");
        ResticRepository repo = new ResticRepository(ResticTestSupport.config(dir, dir.resolve("repo"), passwordFile)
                .withBinary(wrapper.toString())
                .withExtraEnv(Map.of("RESTIC_CACHE_DIR", dir.resolve("cache").toString(),
                        "AWS_SECRET_ACCESS_KEY", AWS_SECRET)));
        repo.ensureInitialized();

        Path src = dir.resolve("src");
        Files.createDirectories(src);
        byte[] big = new byte[4 * 1024 * 1024];
        new Random(7).nextBytes(big);
        Files.write(src.resolve("big.bin"), big);

        // while the backup runs, read /proc of every child process of this JVM
        // every distinct view, not one per pid: a pid is first the JVM's spawn helper, then the wrapper, then restic
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                ProcessHandle.current().descendants().forEach(p -> seen.add(procOf(p.pid())));
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            repo.backup(List.of(), Map.of("job", "secret-test"), src,
                    progress -> ProcessHandle.current().descendants()
                            .forEach(p -> seen.add(procOf(p.pid()))));
        } finally {
            running.set(false);
            watcher.join();
        }
        repo.snapshots(Map.of());

        assertThat(seen).as("restic seen running").anyMatch(s -> s.contains("backup") && s.contains("--json"));
        for (String proc : seen) {
            String cmdline = proc.substring(0, Math.max(0, proc.indexOf("\n--\n")));
            // the password is nowhere; the location and backend credentials are in the environment, not argv
            assertThat(proc.contains(PASSWORD)).as("password in /proc of a child").isFalse();
            assertThat(cmdline).doesNotContain("/repo").doesNotContain(AWS_SECRET);
        }
        String invocations = Files.readString(record);
        assertThat(invocations).contains("ARGS: backup --json --host test-host --tag job=secret-test -- .")
                .contains("RESTIC_PASSWORD_FILE=" + passwordFile).doesNotContain(PASSWORD)
                .doesNotContain("RESTIC_PASSWORD=");
        assertNoSecretInLogs();
    }

    @Test
    void errors_and_logs_carry_neither_the_password_nor_credentials_in_the_location() throws Exception {
        List<RepositoryException> errors = new ArrayList<>();
        Path wrong = ResticTestSupport.passwordFile(dir, "wrong", "wrong-" + PASSWORD, "rw-------");
        ResticRepository good = new ResticRepository(ResticTestSupport.config(dir, dir.resolve("repo"), passwordFile));
        good.ensureInitialized();
        errors.add(catchThrowableOfType(RepositoryException.class,
                () -> new ResticRepository(ResticTestSupport.config(dir, dir.resolve("repo"), wrong))
                        .snapshots(Map.of())));

        String location = "rest:http://lifeline:" + URL_PASSWORD + "@127.0.0.1:1/";
        ResticConfig remote = ResticConfig.of(location, passwordFile, "test-host")
                .withExtraEnv(Map.of("AWS_SECRET_ACCESS_KEY", AWS_SECRET,
                        "RESTIC_CACHE_DIR", dir.resolve("cache").toString()));
        ResticRepository unreachable = new ResticRepository(remote);
        RepositoryException down = catchThrowableOfType(RepositoryException.class, unreachable::ensureInitialized);
        errors.add(down);
        assertThat(down.reason()).isIn(RepositoryException.Reason.UNREACHABLE, RepositoryException.Reason.FAILED);
        assertThat(down.getMessage()).contains("lifeline:***@127.0.0.1:1");
        assertThat(unreachable.describe()).contains("lifeline:***@").doesNotContain(URL_PASSWORD);
        assertThat(remote.toString()).doesNotContain(URL_PASSWORD).doesNotContain(AWS_SECRET)
                .contains("AWS_SECRET_ACCESS_KEY");

        for (RepositoryException e : errors) {
            assertThat(e).isNotNull();
            assertThat(e.getMessage() + e.stderrTail() + e.command()).doesNotContain(PASSWORD)
                    .doesNotContain(URL_PASSWORD).doesNotContain(AWS_SECRET);
        }
        assertNoSecretInLogs();
    }

    @Test
    void restic_output_that_would_echo_a_secret_is_scrubbed() {
        Redaction r = new Redaction("rest:https://u:p4ssw0rd@h/", Map.of("B2_ACCOUNT_KEY", "b2-key-value",
                "AWS_DEFAULT_REGION", "eu-west-1"), PASSWORD);
        assertThat(r.scrub("Fatal: " + PASSWORD + " at rest:https://u:p4ssw0rd@h/ key b2-key-value eu-west-1"))
                .isEqualTo("Fatal: *** at rest:https://u:***@h/ key *** eu-west-1");
        assertThat(Redaction.location("sftp:user@host:/srv/backup")).isEqualTo("sftp:user@host:/srv/backup");
        assertThat(Redaction.location("s3:https://key:secret@s3.example/bucket"))
                .isEqualTo("s3:https://key:***@s3.example/bucket");
    }

    private void assertNoSecretInLogs() {
        assertThat(logs.list).isNotEmpty();
        for (ILoggingEvent e : logs.list) {
            String line = e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
            assertThat(line).doesNotContain(PASSWORD).doesNotContain(URL_PASSWORD).doesNotContain(AWS_SECRET);
        }
    }

    private String procOf(long pid) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            return new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ') + "\n--\n"
                    + new String(environ, StandardCharsets.UTF_8).replace('\0', '\n');
        } catch (Exception e) {
            return "";
        }
    }
}
