package dev.lifeline.agent.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Real processes: a JVM that starts a child through {@link ChildProcesses} is killed with SIGKILL, and its child
 * must end with it; a child started from a thread that ends keeps running.
 */
class ChildProcessesTest {
    /** Bounds for waiting on the kernel; generous, since the machine may be slow, and never a timing claim. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** The parent JVM: starts {@code sleep} from a short-lived thread, prints its pid, then waits to be killed. */
    public static final class Parent {
        public static void main(String[] args) throws Exception {
            Process[] child = new Process[1];
            Thread starter = Thread.ofPlatform().start(() -> {
                try {
                    child[0] = ChildProcesses.bound().start(new ProcessBuilder("sleep", "300"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            starter.join(); // the thread that asked for the child is gone before anyone looks at the child
            System.out.println("child-pid=" + child[0].pid());
            System.out.flush();
            Thread.sleep(Duration.ofMinutes(5));
        }
    }

    @Test
    void aChildEndsWhenTheAgentIsKilledButNotWhenTheThreadThatStartedItEnds() throws Exception {
        assertThat(ChildProcesses.bound().bindsChildren()).as("setpriv (util-linux) is on this host").isTrue();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Parent.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String line;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                    StandardCharsets.UTF_8))) {
                do {
                    line = out.readLine(); // log lines may come first
                } while (line != null && !line.startsWith("child-pid="));
            }
            assertThat(line).as("the parent printed its child's pid").matches("child-pid=\\d+");
            ProcessHandle child = ProcessHandle.of(Long.parseLong(line.substring("child-pid=".length())))
                    .orElseThrow();
            assertThat(child.isAlive()).as("the child outlives the thread that started it").isTrue();
            assertThat(child.parent().map(ProcessHandle::pid)).contains(parent.pid());
            assertThat(child.info().command().orElse("")).endsWith("sleep");

            parent.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up of any kind runs
            assertThat(parent.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Instant deadline = Instant.now().plus(PATIENCE);
            while (child.isAlive() && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            boolean orphaned = child.isAlive();
            child.destroyForcibly();
            assertThat(orphaned).as("the child ended with its parent").isFalse();
        } finally {
            parent.descendants().forEach(ProcessHandle::destroyForcibly);
            parent.destroyForcibly();
        }
    }

    @Test
    void theChildRunsItsCommandWithTheBuildersFolderEnvironmentAndOutput() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "echo \"$GREETING\" from $(pwd) >&2; exit 3")
                .directory(new java.io.File("/tmp")).redirectErrorStream(true);
        builder.environment().put("GREETING", "hello");
        Process p = ChildProcesses.bound().start(builder);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(3);
        assertThat(out.strip()).isEqualTo("hello from /tmp");
    }

    @Test
    void aMissingProgramIsAnIoErrorNamingItWithOrWithoutTheBinding() {
        assertThatThrownBy(() -> ChildProcesses.bound().start(new ProcessBuilder("no-such-tool-xyz", "-v")))
                .isInstanceOf(IOException.class).hasMessageContaining("no-such-tool-xyz");
        assertThatThrownBy(() -> ChildProcesses.bound().start(new ProcessBuilder("/nowhere/restic")))
                .isInstanceOf(IOException.class).hasMessageContaining("/nowhere/restic");
        ChildProcesses unbound = new ChildProcesses(Optional.empty());
        assertThatThrownBy(() -> unbound.start(new ProcessBuilder("no-such-tool-xyz")))
                .isInstanceOf(IOException.class).hasMessageContaining("no-such-tool-xyz");
    }

    @Test
    void withoutSetprivChildrenStillStartUnbound() throws Exception {
        ChildProcesses unbound = new ChildProcesses(Optional.empty());
        assertThat(unbound.bindsChildren()).isFalse();
        Process p = unbound.start(new ProcessBuilder("sh", "-c", "exit 0"));
        assertThat(p.waitFor()).isZero();
    }
}
