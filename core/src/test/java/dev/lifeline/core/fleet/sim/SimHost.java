package dev.lifeline.core.fleet.sim;

import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.ReportedWorkload;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One simulated host: its engine's stacks (the truth) and its agent, which reports truthfully when it can reach the
 * control plane and applies the commands it receives. A command's operation shows its transient status until it ends.
 */
final class SimHost {
    static final List<String> NAMES = List.of("app", "db", "cache", "proxy", "queue", "web");
    /** The longest start, stop, pause or resume. */
    static final Duration LONGEST_COMMAND = Duration.ofSeconds(60);
    /** The longest backup: within the simulation's snapshot grace. */
    static final Duration LONGEST_BACKUP = Duration.ofMinutes(4);

    /** A stack on the engine; {@code op} is the operation holding it (null: none). */
    static final class Stack {
        WorkloadStatus status;
        String detail;
        Op op;

        Stack(WorkloadStatus status, String detail) {
            this.status = status;
            this.detail = detail;
        }

        WorkloadStatus shown() {
            return op == null ? status : op.shows();
        }
    }

    /** An operation in flight: the transient it shows, what it leaves, when it ends, and its number. */
    record Op(WorkloadStatus shows, WorkloadStatus outcome, Instant endsAt, long serial) {}

    final int index;
    final UUID id;
    final TreeMap<String, Stack> stacks = new TreeMap<>();
    boolean agentUp = true;
    /** Scripted runs: the agent loses the next command it receives (it crashed before recording it). */
    boolean loseNextCommand;
    boolean linkUp = true;
    /** Since when every heartbeat reaches the control plane (null: it cannot now). */
    Instant connectedSince;
    /** The last change of any kind on this host: the truth, its commands, its connection. */
    Instant disturbedAt;
    private long opSerial;

    SimHost(int index, Instant now) {
        this.index = index;
        this.id = new UUID(0xF1EE7L, index + 1);
        this.disturbedAt = now;
    }

    List<ReportedWorkload> report() {
        List<ReportedWorkload> out = new ArrayList<>();
        stacks.forEach((name, s) -> out.add(new ReportedWorkload(name, s.shown(), s.detail)));
        return out;
    }

    boolean busy() {
        return stacks.values().stream().anyMatch(s -> s.op != null);
    }

    static String detailFor(WorkloadStatus status, Random random) {
        return switch (status) {
            case RUNNING -> random.nextInt(4) == 0 ? "1/2 containers up" : "2/2 containers up";
            case PAUSED -> "2/2 containers paused";
            case STOPPED -> "exited (0)";
            case ERROR -> "crash-loop backoff";
            default -> null;
        };
    }

    /**
     * The agent applies a command: an operation begins (returned, to be ended by the caller), or nothing happens
     * (the stack is busy, absent, or already there). Destroy removes a stack only while it is still paused: a zombie
     * that someone started meanwhile is not one any more.
     */
    Op apply(CommandKind kind, String name, Instant now, Random random, boolean faulty) {
        Stack stack = stacks.get(name);
        if (stack == null || stack.op != null) {
            return null;
        }
        boolean ok = !faulty || random.nextInt(10) != 0;
        Op op = switch (kind) {
            case START -> stack.status == WorkloadStatus.RUNNING ? null
                    : op(WorkloadStatus.STARTING, ok ? WorkloadStatus.RUNNING : WorkloadStatus.ERROR, now, 2, 60,
                            random);
            case STOP -> op(WorkloadStatus.STOPPING, ok ? WorkloadStatus.STOPPED : stack.status, now, 1, 40, random);
            case PAUSE -> stack.status != WorkloadStatus.RUNNING ? null
                    : op(WorkloadStatus.PAUSING, ok ? WorkloadStatus.PAUSED : WorkloadStatus.RUNNING, now, 1, 10,
                            random);
            case RESUME -> stack.status != WorkloadStatus.PAUSED ? null
                    : op(WorkloadStatus.RESUMING, ok ? WorkloadStatus.RUNNING : WorkloadStatus.PAUSED, now, 1, 10,
                            random);
            case BACKUP -> !stack.status.isAliveOnHost() ? null
                    : op(WorkloadStatus.SNAPSHOTTING, faulty && random.nextInt(20) == 0 ? WorkloadStatus.ERROR
                            : stack.status,
                            now, 30, (int) LONGEST_BACKUP.toSeconds(), random);
            case DESTROY -> {
                if (stack.status == WorkloadStatus.PAUSED) {
                    stacks.remove(name);
                    disturbedAt = now;
                }
                yield null;
            }
        };
        if (op != null) {
            stack.op = op;
            disturbedAt = now;
        }
        return op;
    }

    private Op op(WorkloadStatus shows, WorkloadStatus outcome, Instant now, int minSeconds, int maxSeconds,
            Random random) {
        Duration length = Duration.ofSeconds(minSeconds + random.nextInt(maxSeconds - minSeconds + 1));
        return new Op(shows, outcome, now.plus(length), ++opSerial);
    }

    /** The operation numbered {@code serial} on {@code name} ends (unless the stack went meanwhile). */
    void finish(String name, long serial, Instant now, Random random) {
        Stack stack = stacks.get(name);
        if (stack != null && stack.op != null && stack.op.serial() == serial) {
            stack.status = stack.op.outcome();
            stack.detail = detailFor(stack.status, random);
            stack.op = null;
            disturbedAt = now;
        }
    }

    /** Something happens on the host that the control plane did not ask for. Returns what, for the trace. */
    String outsideChange(Instant now, Random random) {
        List<String> idle = stacks.entrySet().stream().filter(e -> e.getValue().op == null).map(e -> e.getKey())
                .toList();
        int roll = random.nextInt(8);
        if (idle.isEmpty() || roll == 0) {
            List<String> free = NAMES.stream().filter(n -> !stacks.containsKey(n)).toList();
            if (free.isEmpty()) {
                return "nothing";
            }
            String name = free.get(random.nextInt(free.size()));
            WorkloadStatus status = random.nextBoolean() ? WorkloadStatus.RUNNING : WorkloadStatus.STOPPED;
            stacks.put(name, new Stack(status, detailFor(status, random)));
            disturbedAt = now;
            return "appears " + name + " " + status.wireName();
        }
        String name = idle.get(random.nextInt(idle.size()));
        Stack stack = stacks.get(name);
        WorkloadStatus next = switch (stack.status) {
            case RUNNING -> switch (roll % 4) {
                case 0 -> WorkloadStatus.ERROR;
                case 1 -> WorkloadStatus.STOPPED;
                case 2 -> WorkloadStatus.PAUSED;
                default -> WorkloadStatus.RUNNING;
            };
            case PAUSED -> roll % 2 == 0 ? WorkloadStatus.RUNNING : WorkloadStatus.STOPPED;
            case STOPPED, ERROR -> roll % 3 == 0 ? null : WorkloadStatus.RUNNING;
            default -> stack.status;
        };
        disturbedAt = now;
        if (next == null) {
            stacks.remove(name);
            return "removed " + name;
        }
        stack.status = next;
        stack.detail = detailFor(next, random);
        return name + " " + next.wireName() + " (" + stack.detail + ")";
    }
}
