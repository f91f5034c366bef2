package dev.lifeline.agent.command;

import dev.lifeline.core.model.StackName;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One operation per stack at a time: a stop, a start, a recovery restart, a supervisor restart, a backup's quiesce or
 * resume, an in-place restore.
 */
public final class StackLocks {
    private final ConcurrentHashMap<StackName, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** An action that may be interrupted. */
    @FunctionalInterface
    public interface Action<T> {
        T run() throws InterruptedException;
    }

    public <T> T with(StackName stack, Action<T> action) throws InterruptedException {
        ReentrantLock lock = locks.computeIfAbsent(stack, k -> new ReentrantLock());
        lock.lockInterruptibly();
        try {
            return action.run();
        } finally {
            lock.unlock();
        }
    }

    /** Whether an operation holds the stack right now (a snapshot: it may end the next moment). */
    public boolean isHeld(StackName stack) {
        ReentrantLock lock = locks.get(stack);
        return lock != null && lock.isLocked();
    }

    /** Runs the action only if no other operation holds the stack; returns false when it is busy. */
    public boolean tryWith(StackName stack, Action<?> action) throws InterruptedException {
        ReentrantLock lock = locks.computeIfAbsent(stack, k -> new ReentrantLock());
        if (!lock.tryLock()) {
            return false;
        }
        try {
            action.run();
            return true;
        } finally {
            lock.unlock();
        }
    }
}
