package dev.lifeline.agent.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/** A small Prometheus registry: counters and gauges, rendered in the text exposition format. */
public final class Metrics {
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, String> help = new ConcurrentHashMap<>();

    public void counter(String name, String description) {
        counters.putIfAbsent(name, new AtomicLong());
        help.put(name, description);
    }

    public void increment(String name) {
        counters.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
    }

    public void gauge(String name, String description, DoubleSupplier value) {
        gauges.put(name, value);
        help.put(name, description);
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(counters).forEach((name, v) -> {
            out.append("# HELP ").append(name).append(' ').append(help.getOrDefault(name, name)).append('\n');
            out.append("# TYPE ").append(name).append(" counter\n");
            out.append(name).append(' ').append(v.get()).append('\n');
        });
        new TreeMap<>(gauges).forEach((name, v) -> {
            out.append("# HELP ").append(name).append(' ').append(help.getOrDefault(name, name)).append('\n');
            out.append("# TYPE ").append(name).append(" gauge\n");
            double d;
            try {
                d = v.getAsDouble();
            } catch (RuntimeException e) {
                d = Double.NaN;
            }
            out.append(name).append(' ').append(d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d)
                    : String.valueOf(d)).append('\n');
        });
        return out.toString();
    }
}
