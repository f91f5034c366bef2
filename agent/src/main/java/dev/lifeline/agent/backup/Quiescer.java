package dev.lifeline.agent.backup;

import dev.lifeline.agent.recovery.Inventory;
import dev.lifeline.agent.recovery.StackStarter;
import dev.lifeline.agent.recovery.StackStopper;
import dev.lifeline.agent.recovery.StartOutcome;
import dev.lifeline.core.backup.Hook;
import dev.lifeline.core.engine.ContainerEngine;
import dev.lifeline.core.engine.ExecResult;
import dev.lifeline.core.fault.CrashPoints;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.plan.ContainerOrder;
import dev.lifeline.core.policy.QuiesceMode;
import dev.lifeline.core.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quiesces and resumes one stack per its mode, touching only the containers the job planned for (those that were
 * running). Resume is idempotent and safe when the quiesce never ran or only partly did: starting a running container
 * and unpausing one that is not paused are no-ops.
 */
public final class Quiescer {
    private static final Logger log = LoggerFactory.getLogger(Quiescer.class);
    private static final int OUTPUT_TAIL = 400;
    private final Inventory inventory;
    private final ContainerEngine engine;
    private final StackStopper stopper;
    private final StackStarter starter;
    private final RetryPolicy retry;
    private final Duration hookTimeout;
    private final dev.lifeline.agent.command.StackLocks locks;

    /**
     * @param locks the per-stack locks of every stop, start and restore: a quiesce and a resume each hold the stack's
     *     lock, so neither runs in the middle of a user's stop or an in-place restore of the same stack
     */
    public Quiescer(Inventory inventory, ContainerEngine engine, StackStopper stopper, StackStarter starter,
            RetryPolicy retry, Duration hookTimeout, dev.lifeline.agent.command.StackLocks locks) {
        this.locks = locks;
        this.inventory = inventory;
        this.engine = engine;
        this.stopper = stopper;
        this.starter = starter;
        this.retry = retry;
        this.hookTimeout = hookTimeout;
    }

    /** A step of a quiesce or resume did not work; the message says which and why. */
    public static final class QuiesceException extends RuntimeException {
        QuiesceException(String message) {
            super(message);
        }
    }

    /**
     * Quiesces the stack. {@code prepared}, when not null, is the stack as {@link #prepare} read it a moment ago: a
     * stop then stops the job's containers without reading them again inside the downtime (each is stopped whatever
     * it looked like then: stopping a stopped container is a no-op).
     *
     * @return in stop mode, the stack as it now is: the job's containers, stopped (what {@link #resume} starts);
     *     otherwise null
     */
    public Stack quiesce(StackName name, QuiesceMode mode, List<String> containers, List<Hook> preHooks,
            Stack prepared) throws InterruptedException {
        return locks.with(name, () -> quiesceLocked(name, mode, containers, preHooks, prepared));
    }

    /**
     * Reads, while the stack still runs and before the job's marker is written, what its resume will need: whether
     * each container has a healthcheck (only an inspection of a running container tells, once per container), so
     * that the resume probes those at once instead of waiting the settle time. Costs nothing inside the downtime;
     * a failure only means the quiesce asks again.
     *
     * @return in stop mode, the stack as read (for {@link #quiesce}); null otherwise or when it could not be read
     */
    public Stack prepare(StackName name, QuiesceMode mode, List<String> containers) throws InterruptedException {
        if (mode != QuiesceMode.STOP) {
            return null;
        }
        try {
            Stack stack = current(name, containers);
            learnHealthchecks(stack);
            return stack;
        } catch (RuntimeException e) {
            log.debug("event=quiesce_prepare_failed stack={} error=\"{}\"", name, e.toString());
            return null;
        }
    }

    private void learnHealthchecks(Stack stack) {
        for (ContainerInfo c : stack.containers()) {
            if (c.isUp() && !starter.knowsHealthcheckOf(c.id())) {
                starter.learn(c);
            }
        }
    }

    private Stack quiesceLocked(StackName name, QuiesceMode mode, List<String> containers, List<Hook> preHooks,
            Stack prepared) throws InterruptedException {
        for (Hook hook : preHooks) {
            run(name, hook, "pre");
        }
        Stack stack = mode == QuiesceMode.STOP && prepared != null ? withStatus(prepared, ContainerStatus.RUNNING)
                : current(name, containers);
        Stack result = null;
        switch (mode) {
            case STOP -> {
                // read now, by inspecting each container, when prepare could not: it says which have a healthcheck
                learnHealthchecks(stack);
                stopper.stop(stack, CrashPoints.NONE, "");
                result = withStatus(stack, ContainerStatus.EXITED);
            }
            case PAUSE -> {
                List<List<String>> levels = new ArrayList<>(ContainerOrder.levels(stack).levels());
                java.util.Collections.reverse(levels);
                Map<String, ContainerInfo> byName = byName(stack);
                for (List<String> level : levels) {
                    for (String c : level) {
                        ContainerInfo info = byName.get(c);
                        if (info != null && info.status() == ContainerStatus.RUNNING) {
                            engine.pause(info.id());
                        }
                    }
                }
            }
            case HOOK, NONE -> { }
        }
        log.info("event=stack_quiesced stack={} mode={} containers={}", name, mode.labelValue(), containers.size());
        return result;
    }

    /** The stack with every container in {@code status} (what a stop or a start of each leaves, or assumes). */
    private static Stack withStatus(Stack s, ContainerStatus status) {
        List<ContainerInfo> changed = s.containers().stream().map(c -> new ContainerInfo(c.id(), c.name(), c.image(),
                c.labels(), status, status.isUp() ? c.health() : dev.lifeline.core.model.Health.NONE, c.startedAt(),
                c.finishedAt(), c.exitCode(), c.oomKilled(), c.restartPolicy())).toList();
        return new Stack(s.name(), s.source(), changed, s.policy(), s.containerDependencies(), s.problems());
    }

    /**
     * Undoes the quiesce, then runs the post-hooks.
     *
     * @param startStopped false when the user stopped the stack meanwhile: stopped containers stay stopped
     */
    public void resume(StackName name, QuiesceMode mode, List<String> containers, List<Hook> postHooks,
            boolean startStopped) throws InterruptedException {
        resume(name, mode, containers, postHooks, startStopped, null);
    }

    /**
     * {@code stopped}, when not null, is what this job's stop-mode {@link #quiesce} returned: the resume starts those
     * containers without reading the stack again inside the downtime (starting a running container is a no-op).
     */
    public void resume(StackName name, QuiesceMode mode, List<String> containers, List<Hook> postHooks,
            boolean startStopped, Stack stopped) throws InterruptedException {
        locks.with(name, () -> {
            resumeLocked(name, mode, containers, postHooks, startStopped, stopped);
            return null;
        });
    }

    private void resumeLocked(StackName name, QuiesceMode mode, List<String> containers, List<Hook> postHooks,
            boolean startStopped, Stack stopped) throws InterruptedException {
        boolean known = mode == QuiesceMode.STOP && stopped != null;
        Stack stack = known ? stopped : current(name, containers);
        Map<String, ContainerInfo> byName = byName(stack);
        // Whatever the mode, a container this job may have paused is thawed: pausing is the one quiesce that leaves
        // a container looking up while it serves nothing. (A stack this job stopped was paused by nobody.)
        for (List<String> level : known ? List.<List<String>>of() : ContainerOrder.levels(stack).levels()) {
            for (String c : level) {
                ContainerInfo info = byName.get(c);
                if (info != null && info.status() == ContainerStatus.PAUSED) {
                    engine.unpause(info.id());
                }
            }
        }
        if (mode == QuiesceMode.STOP && startStopped) {
            // the stack as read above: a start re-reads the engine on each retry
            StartOutcome outcome = starter.start(stack, retry, CrashPoints.NONE, "");
            if (outcome instanceof StartOutcome.Failed f) {
                throw new QuiesceException("could not start " + name + " again after " + f.attempts()
                        + " attempt(s): " + f.lastError());
            }
        }
        for (Hook hook : postHooks) {
            run(name, hook, "post");
        }
        log.info("event=stack_resumed stack={} mode={} started={}", name, mode.labelValue(), startStopped);
    }

    /**
     * Runs a hook in its container. Only the program's name is logged: the rest of the argument list may hold a
     * secret (a password on a command line).
     */
    void run(StackName stack, Hook hook, String which) {
        ExecResult result = engine.exec(hook.container(), hook.argv(), hookTimeout);
        String program = hook.argv().get(0);
        if (!result.succeeded()) {
            String why = result.timedOut() ? "did not finish within " + hookTimeout.toSeconds() + "s"
                    : "exited " + result.exitCode();
            log.warn("event=hook_failed stack={} container={} hook={} program={} result=\"{}\"", stack,
                    hook.container(), which, program, why);
            throw new QuiesceException(which + "-hook " + program + " in " + hook.container() + " " + why
                    + tail(result.output()));
        }
        log.info("event=hook_ran stack={} container={} hook={} program={}", stack, hook.container(), which, program);
    }

    private static String tail(String output) {
        if (output == null || output.isBlank()) {
            return "";
        }
        String t = output.strip();
        return ": " + (t.length() > OUTPUT_TAIL ? "..." + t.substring(t.length() - OUTPUT_TAIL) : t);
    }

    /**
     * The stack as the engine has it now, restricted to the job's containers (and their order among themselves),
     * from an inspection of each of them rather than a listing of the host: this runs inside the app's downtime.
     */
    private Stack current(StackName name, List<String> containers) throws InterruptedException {
        Optional<Stack> found = inventory.stackOf(name, containers);
        if (found.isEmpty()) {
            throw new QuiesceException("stack " + name + " has no containers any more");
        }
        Stack s = found.get();
        Set<String> wanted = new HashSet<>(containers);
        List<ContainerInfo> kept = s.containers().stream().filter(c -> wanted.contains(c.name())).toList();
        Map<String, Set<String>> deps = s.containerDependencies().entrySet().stream()
                .filter(e -> wanted.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().stream().filter(wanted::contains)
                        .collect(Collectors.toSet())));
        return new Stack(s.name(), s.source(), kept, s.policy(), deps, s.problems());
    }

    private static Map<String, ContainerInfo> byName(Stack stack) {
        return stack.containers().stream().collect(Collectors.toMap(ContainerInfo::name, c -> c, (a, b) -> a));
    }
}
