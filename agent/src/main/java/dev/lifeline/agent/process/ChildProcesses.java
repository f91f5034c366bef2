package dev.lifeline.agent.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the agent's child processes (restic, btrfs, cp) so that they end when the agent ends, however it ends.
 *
 * <p>A child outlives a parent killed with SIGKILL: a restic left behind goes on writing the repository while the
 * next agent works on it (two {@code restic init} at once leave a repository whose config no key opens), and a
 * {@code cp} goes on filling a staging folder the next agent deletes. Every child is therefore started through
 * {@code setpriv --pdeathsig TERM}: the kernel sends it SIGTERM when its parent ends, and restic removes its lock on
 * SIGTERM. The kernel's "parent" is the thread that forked the child, not the process, so every child is forked by
 * one platform thread that lives as long as the agent: a worker thread (or a virtual thread's carrier) can end while
 * its child still runs, and would take the child with it.
 *
 * <p>Where {@code setpriv} (util-linux) is missing, children start unbound and the agent says so once.
 */
public final class ChildProcesses {
    private static final Logger log = LoggerFactory.getLogger(ChildProcesses.class);
    private static final List<Path> SETPRIV_PLACES = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));
    private static final ChildProcesses BOUND = new ChildProcesses(SETPRIV_PLACES.stream()
            .filter(Files::isExecutable).findFirst());

    private final Optional<Path> setpriv;
    private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private boolean warned;

    private record Request(ProcessBuilder builder, CompletableFuture<Process> started) {}

    ChildProcesses(Optional<Path> setpriv) {
        this.setpriv = setpriv;
        Thread.ofPlatform().daemon().name("lifeline-spawner").start(this::serve);
    }

    /** The agent's one spawner: children bound to the agent's life where the host has {@code setpriv}. */
    public static ChildProcesses bound() {
        return BOUND;
    }

    /** Whether children end with the agent (false: {@code setpriv} is missing). */
    public boolean bindsChildren() {
        return setpriv.isPresent();
    }

    /**
     * Starts {@code builder}'s command as {@link ProcessBuilder#start()} would, bound to the agent's life. The
     * command's program is looked up on {@code PATH} first, so a missing program is an {@link IOException} naming it,
     * as without the binding.
     *
     * @throws IOException when the program is missing or cannot be started
     */
    public Process start(ProcessBuilder builder) throws IOException {
        List<String> command = builder.command();
        if (setpriv.isEmpty()) {
            warnOnce();
            return builder.start();
        }
        String program = resolve(command.getFirst());
        List<String> bound = new ArrayList<>(command.size() + 4);
        bound.addAll(List.of(setpriv.get().toString(), "--pdeathsig", "TERM", "--", program));
        bound.addAll(command.subList(1, command.size()));
        ProcessBuilder wrapped = new ProcessBuilder(bound).directory(builder.directory())
                .redirectInput(builder.redirectInput()).redirectOutput(builder.redirectOutput())
                .redirectError(builder.redirectError()).redirectErrorStream(builder.redirectErrorStream());
        wrapped.environment().clear();
        wrapped.environment().putAll(builder.environment());
        CompletableFuture<Process> started = new CompletableFuture<>();
        requests.add(new Request(wrapped, started));
        try {
            return started.get();
        } catch (InterruptedException e) {
            // the request stays queued and may still start: end that process when it does
            started.thenAccept(Process::destroy);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + command.getFirst(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot start " + command.getFirst() + ": " + e.getCause(), e.getCause());
        }
    }

    private void serve() {
        while (true) {
            Request request;
            try {
                request = requests.take();
            } catch (InterruptedException e) {
                continue; // nobody interrupts this thread on purpose; it must outlive every child
            }
            try {
                request.started().complete(request.builder().start());
            } catch (Throwable t) {
                request.started().completeExceptionally(t);
            }
        }
    }

    /** The program's full path: as given when it names a path, else the first executable match on PATH. */
    static String resolve(String program) throws IOException {
        if (program.contains("/")) {
            if (!Files.isExecutable(Path.of(program))) {
                throw new IOException("Cannot run program \"" + program + "\": no such executable file");
            }
            return program;
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null || path.isEmpty() ? "/usr/local/bin:/usr/bin:/bin" : path)
                .split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IOException("Cannot run program \"" + program + "\": not found on PATH");
    }

    private synchronized void warnOnce() {
        if (!warned) {
            warned = true;
            log.warn("event=child_processes_unbound reason=\"setpriv not found in {}\" effect=\"a restic, btrfs or cp"
                    + " started by the agent outlives a crash of the agent\" remedy=\"install util-linux\"",
                    SETPRIV_PLACES);
        }
    }
}
