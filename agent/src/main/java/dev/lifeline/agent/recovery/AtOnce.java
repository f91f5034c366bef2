package dev.lifeline.agent.recovery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Applies a function to every item at once, each on a virtual thread (a single item on the calling thread), for
 * engine round trips that do not depend on each other: the time of the slowest, not the sum.
 */
final class AtOnce {
    private AtOnce() {}

    /**
     * The results in the items' order. The first failure in that order is rethrown as it was thrown, once every
     * call has ended.
     */
    static <T, R> List<R> map(List<T> items, Function<T, R> function) throws InterruptedException {
        if (items.size() == 1) {
            return List.of(function.apply(items.getFirst()));
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(threads.submit(() -> function.apply(item)));
            }
            List<R> results = new ArrayList<>(items.size());
            for (Future<R> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case RuntimeException r -> throw r;
                        case Error err -> throw err;
                        default -> throw new IllegalStateException(e.getCause());
                    }
                }
            }
            return results;
        }
    }
}
