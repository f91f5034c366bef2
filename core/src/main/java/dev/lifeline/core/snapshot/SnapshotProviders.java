package dev.lifeline.core.snapshot;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The snapshot providers in order of preference (cheapest first, e.g. btrfs before a staging copy). Picks the first
 * that supports a data path; when none does, the error names every provider tried and why it declined.
 */
public final class SnapshotProviders {
    private final Map<String, SnapshotProvider> byName;

    /** One provider's answer for a data path. */
    public record Attempt(String provider, Support support) {}

    private final java.util.Map<Readied, SnapshotProvider> readied = new java.util.concurrent.ConcurrentHashMap<>();

    public SnapshotProviders(List<? extends SnapshotProvider> providers) {
        if (providers.isEmpty()) {
            throw new IllegalArgumentException("at least one snapshot provider is needed");
        }
        Map<String, SnapshotProvider> map = new LinkedHashMap<>();
        for (SnapshotProvider p : providers) {
            if (map.putIfAbsent(p.name(), p) != null) {
                throw new IllegalArgumentException("two snapshot providers are named '" + p.name() + "'");
            }
        }
        this.byName = map;
    }

    public List<SnapshotProvider> providers() {
        return List.copyOf(byName.values());
    }

    /**
     * Asks every provider, in order, whether it supports {@code dataPath} (for {@code doctor}). A provider that
     * throws counts as unsupported, with its error as the reason.
     */
    public List<Attempt> attempts(Path dataPath) {
        List<Attempt> result = new ArrayList<>();
        for (SnapshotProvider p : byName.values()) {
            result.add(new Attempt(p.name(), ask(p, dataPath)));
        }
        return result;
    }

    /**
     * The first provider that supports {@code dataPath}.
     *
     * @throws SnapshotException when none does, listing each provider and its reason, e.g. {@code no snapshot
     *     provider can take /data/x: btrfs: /data/x is on ext4, not btrfs; staging-copy: needs 2.1 GiB, budget is
     *     1 GiB}
     */
    public SnapshotProvider choose(Path dataPath) {
        List<Attempt> tried = new ArrayList<>();
        for (SnapshotProvider p : byName.values()) {
            Support support = ask(p, dataPath);
            if (support.isSupported()) {
                return p;
            }
            tried.add(new Attempt(p.name(), support));
        }
        throw new SnapshotException("no snapshot provider can take " + dataPath + ": " + tried.stream()
                .map(a -> a.provider() + ": " + ((Support.Unsupported) a.support()).reason())
                .collect(Collectors.joining("; ")));
    }

    /**
     * Readies a take of {@code dataPath} for the job with the first provider that supports it (see
     * {@link SnapshotProvider#ready}); the take then goes to the same provider without asking them all again.
     */
    public void ready(Path dataPath, String jobId, Instant now) {
        SnapshotProvider p = choose(dataPath);
        p.ready(dataPath, jobId, now);
        readied.put(new Readied(jobId, dataPath), p);
    }

    /**
     * Takes a snapshot of {@code dataPath} with the provider that readied it for this job, else the first provider
     * that supports it. (A provider checks the path again as it takes the snapshot.)
     */
    public Snapshot take(Path dataPath, String jobId, Instant now) {
        SnapshotProvider p = readied.remove(new Readied(jobId, dataPath));
        return (p != null ? p : choose(dataPath)).take(dataPath, jobId, now);
    }

    /** Forgets what was readied for the job and not taken (its provider deletes the leftovers). */
    public void forgetReadied(String jobId) {
        readied.keySet().removeIf(r -> r.jobId().equals(jobId));
    }

    private record Readied(String jobId, Path dataPath) {}

    /** Deletes a snapshot with the provider that took it (idempotent, like {@link SnapshotProvider#delete}). */
    public void delete(Snapshot snapshot) {
        SnapshotProvider p = byName.get(snapshot.provider());
        if (p == null) {
            throw new SnapshotException("snapshot " + snapshot.handle() + " was taken by provider '"
                    + snapshot.provider() + "', which is not configured (configured: " + byName.keySet()
                    + "); configure it again to delete the snapshot, or delete " + snapshot.handle() + " by hand");
        }
        p.delete(snapshot);
    }

    /** Leftovers of every provider on the filesystem of {@code dataPath} (see {@link SnapshotProvider#leftovers}). */
    public List<Snapshot> leftovers(Path dataPath, String jobIdPrefix) {
        List<Snapshot> result = new ArrayList<>();
        for (SnapshotProvider p : byName.values()) {
            result.addAll(p.leftovers(dataPath, jobIdPrefix));
        }
        return result;
    }

    private static Support ask(SnapshotProvider p, Path dataPath) {
        try {
            return p.supports(dataPath);
        } catch (RuntimeException e) {
            return Support.unsupported(String.valueOf(e.getMessage()));
        }
    }
}
