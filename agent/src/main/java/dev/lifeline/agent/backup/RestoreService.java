package dev.lifeline.agent.backup;

import dev.lifeline.agent.command.DiskGuard;
import dev.lifeline.agent.command.StackLocks;
import dev.lifeline.agent.recovery.Inventory;
import dev.lifeline.agent.recovery.StackStarter;
import dev.lifeline.agent.recovery.StackStopper;
import dev.lifeline.agent.recovery.StartOutcome;
import dev.lifeline.core.backup.CommandLine;
import dev.lifeline.core.backup.RestoreSwap;
import dev.lifeline.core.engine.ContainerEngine;
import dev.lifeline.core.engine.DataMount;
import dev.lifeline.core.engine.ExecResult;
import dev.lifeline.core.engine.ScratchContainer;
import dev.lifeline.core.fault.CrashPoint;
import dev.lifeline.core.fault.CrashPoints;
import dev.lifeline.core.journal.Journal;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.MarkerKind;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.Labels;
import dev.lifeline.core.repository.BackupRepository;
import dev.lifeline.core.repository.RepositorySnapshot;
import dev.lifeline.core.retry.RetryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a stack's data from the repository, in place or beside it, and verifies a backup by restoring it into a
 * scratch folder and running the stack's {@code lifeline.verify} command in a throw-away container.
 *
 * <p>In place, nothing is lost: every snapshot is first restored beside its data path, then the live data is renamed
 * aside ({@code SOURCE.lifeline-before-restore-JOB}) and kept, and the restored copy is renamed into place. The
 * renames are recorded durably before the first one ({@link InPlaceSwaps}), so a crash between them is undone at
 * the next start ({@link #finishAfterCrash}); a start marker written before the stack is stopped makes that start
 * bring the stack back. A data path may be a directory or a single file.
 */
public final class RestoreService {
    private static final Logger log = LoggerFactory.getLogger(RestoreService.class);
    private static final java.nio.file.LinkOption NOFOLLOW = java.nio.file.LinkOption.NOFOLLOW_LINKS;

    public record Restored(String source, String target, String snapshotId) {}

    public record RestoreResult(String stack, String job, List<Restored> restored, List<String> previousData,
            boolean restarted) {}

    public record VerifyResult(String stack, String job, String snapshot, boolean passed, int exitCode, String output,
            String detail) {}

    private final Inventory inventory;
    private final ContainerEngine engine;
    private final BackupRepository repository;
    private final Journal journal;
    private final StackStopper stopper;
    private final StackStarter starter;
    private final RetryPolicy retry;
    private final StackLocks locks;
    private final CrashPoints crash;
    private final InstantSource clock;
    private final DiskGuard disk;
    private final Path scratchRoot;
    private final Duration verifyTimeout;
    private final dev.lifeline.agent.command.StackHolds holds;
    private final InPlaceSwaps swaps;

    /**
     * @param scratchRoot    where verify restores to (emptied after each verify)
     * @param restoreRecords where in-place restores in flight are recorded (in the data dir)
     */
    public RestoreService(Inventory inventory, ContainerEngine engine, BackupRepository repository, Journal journal,
            StackStopper stopper, StackStarter starter, RetryPolicy retry, StackLocks locks, CrashPoints crash,
            InstantSource clock, DiskGuard disk, Path scratchRoot, Path restoreRecords, Duration verifyTimeout,
            dev.lifeline.agent.command.StackHolds holds) {
        this.holds = holds;
        this.swaps = new InPlaceSwaps(new RestoreRecords(restoreRecords), crash);
        this.inventory = inventory;
        this.engine = engine;
        this.repository = repository;
        this.journal = journal;
        this.stopper = stopper;
        this.starter = starter;
        this.retry = retry;
        this.locks = locks;
        this.crash = crash;
        this.clock = clock;
        this.disk = disk;
        this.scratchRoot = scratchRoot;
        this.verifyTimeout = verifyTimeout;
    }

    /** A stack's snapshots in the repository, newest first (all stacks when empty). */
    public List<RepositorySnapshot> snapshots(Optional<StackName> stack) {
        return repository.snapshots(stack.map(s -> Map.of("stack", s.value())).orElse(Map.of()));
    }

    /**
     * The repository snapshots of one backup of the stack (one per data path): of the job {@code selector} names,
     * or the snapshot it names (id or short id), or the newest job's.
     */
    List<RepositorySnapshot> select(StackName stack, Optional<String> selector) {
        List<RepositorySnapshot> all = snapshots(Optional.of(stack));
        if (all.isEmpty()) {
            throw new IllegalArgumentException("there is no backup of stack " + stack + " in the repository "
                    + repository.describe() + "; make one with: lifeline backup now " + stack);
        }
        String job;
        if (selector.isPresent()) {
            String sel = selector.get();
            List<RepositorySnapshot> byJob = all.stream().filter(s -> sel.equals(s.tags().get("job"))).toList();
            if (!byJob.isEmpty()) {
                return byJob;
            }
            List<RepositorySnapshot> byId = all.stream()
                    .filter(s -> s.id().startsWith(sel) || s.shortId().equals(sel)).toList();
            if (byId.size() == 1) {
                return byId;
            }
            throw new IllegalArgumentException("no backup of " + stack + " is named '" + sel + "' (give a job id or a"
                    + " snapshot id from: lifeline backup list " + stack + ")");
        }
        job = all.stream().max(Comparator.comparing(RepositorySnapshot::time)).orElseThrow().tags().get("job");
        return all.stream().filter(s -> java.util.Objects.equals(job, s.tags().get("job"))).toList();
    }

    public RestoreResult restore(StackName name, Optional<String> selector, Optional<Path> to, boolean stopStack)
            throws InterruptedException {
        Optional<String> holder = to.isPresent() ? Optional.empty() : holds.holder(name);
        if (holder.isPresent()) {
            throw new dev.lifeline.agent.command.StackHeldException("stack " + name + " is quiesced by "
                    + holder.get() + "; restore it in place once that job has resumed it (lifeline backup status)");
        }
        List<RepositorySnapshot> chosen = select(name, selector);
        String job = chosen.get(0).tags().getOrDefault("job", "");
        if (to.isPresent()) {
            List<Restored> restored = new ArrayList<>();
            for (RepositorySnapshot s : chosen) {
                Path target = beneath(to.get(), s.tags().getOrDefault("source", s.shortId()));
                // A file's snapshot holds the file by its name: restored into its folder, it lands at target.
                repository.restore(s.id(), DataPath.isFile(s.tags()) ? target.getParent() : target);
                restored.add(new Restored(s.tags().get("source"), target.toString(), s.shortId()));
            }
            log.info("event=stack_restored stack={} job={} to={} paths={}", name, job, to.get(), restored.size());
            return new RestoreResult(name.value(), job, restored, List.of(), false);
        }
        Stack stack = inventory.require(name);
        if (stack.anyUp() && !stopStack) {
            throw new StackRunningException("stack " + name + " is running: pass --stop to stop it for the restore"
                    + " (it is started again afterwards), or --to DIR to restore beside it without touching it");
        }
        if (stack.isProtected() && stack.anyUp()) {
            throw new dev.lifeline.agent.command.ProtectedStackException(name.value());
        }
        disk.requireRoom("restore " + name);
        boolean wasUp = stack.anyUp();
        return locks.with(name, () -> {
            String markerId = "restore-" + job + "-" + name.value();
            if (wasUp) {
                journal.writeMarker(new Marker(markerId, MarkerKind.START, "restore " + job, List.of(name),
                        clock.instant(), clock.instant()));
                stopper.stop(stack, CrashPoints.NONE, "");
                crash.reach(CrashPoint.RESTORE_AFTER_STOP);
            }
            RestoreRecords.Record record = new RestoreRecords.Record(job, name.value(), stage(chosen, job));
            List<String> previous = swaps.apply(record);
            crash.reach(CrashPoint.RESTORE_AFTER_SWAP);
            List<Restored> restored = new ArrayList<>();
            for (int i = 0; i < chosen.size(); i++) {
                String source = record.swaps().get(i).source().toString();
                restored.add(new Restored(source, source, chosen.get(i).shortId()));
            }
            boolean restarted = false;
            if (wasUp) {
                StartOutcome outcome = starter.start(inventory.stack(name).orElse(stack), retry, CrashPoints.NONE, "");
                restarted = outcome instanceof StartOutcome.Started;
                if (restarted) {
                    journal.clearMarker(markerId, clock.instant());
                }
            }
            log.info("event=stack_restored stack={} job={} in_place=true paths={} restarted={}", name, job,
                    restored.size(), restarted);
            return new RestoreResult(name.value(), job, restored, previous, restarted);
        });
    }

    /**
     * Restores every chosen snapshot beside its data path ({@code SOURCE.lifeline-restore-JOB}), before anything is
     * renamed: a failing restore leaves the live data untouched (and its staged copies deleted).
     */
    private List<RestoreSwap> stage(List<RepositorySnapshot> chosen, String job) {
        List<RestoreSwap> staged = new ArrayList<>();
        try {
            for (RepositorySnapshot s : chosen) {
                Path source = Path.of(s.tags().get("source"));
                Path staging = source.resolveSibling(source.getFileName() + ".lifeline-restore-" + job);
                Path aside = source.resolveSibling(source.getFileName() + ".lifeline-before-restore-" + job);
                Path restored = DataPath.isFile(s.tags()) ? staging.resolve(source.getFileName()) : staging;
                deleteTree(staging);
                staged.add(new RestoreSwap(source, aside, restored, staging, Files.exists(source, NOFOLLOW)));
                repository.restore(s.id(), staging);
                if (!Files.exists(restored, NOFOLLOW)) {
                    throw new IllegalStateException("snapshot " + s.shortId() + " restored into " + staging
                            + " holds no " + restored.getFileName() + ": nothing was renamed");
                }
            }
            return staged;
        } catch (RuntimeException e) {
            staged.forEach(w -> deleteTree(w.staging()));
            throw e;
        }
    }

    /**
     * At the next start, before recovery: an in-place restore a crash interrupted (its record is still there) is
     * undone, so the live data is back in place before the stack is started (its start marker, if the restore
     * stopped it, makes recovery start it).
     */
    public void finishAfterCrash() {
        swaps.finishAfterCrash();
    }

    /** Restores the newest backup of the stack into a scratch folder and runs its verify command on it. */
    public VerifyResult verify(StackName name) {
        Stack stack = inventory.require(name);
        ContainerInfo verifier = stack.containers().stream()
                .filter(c -> c.labels().get(Labels.VERIFY) != null && !c.labels().get(Labels.VERIFY).isBlank())
                .min(Comparator.comparing(ContainerInfo::name))
                .orElseThrow(() -> new IllegalArgumentException("stack " + name + " has no " + Labels.VERIFY
                        + " label: set it on the container whose image can check the data, e.g. "
                        + Labels.VERIFY + "=\"/usr/local/bin/check-data\""));
        List<String> argv = switch (CommandLine.split(verifier.labels().get(Labels.VERIFY))) {
            case CommandLine.Argv a -> a.args();
            case CommandLine.Malformed m -> throw new IllegalArgumentException(Labels.VERIFY + " of "
                    + verifier.name() + " cannot be split into an argument list: " + m.reason());
        };
        List<RepositorySnapshot> chosen = select(name, Optional.empty());
        String job = chosen.get(0).tags().getOrDefault("job", "");
        String ids = chosen.stream().map(RepositorySnapshot::shortId).collect(Collectors.joining(","));
        disk.requireRoom("verify " + name);
        Path scratch = scratchRoot.resolve(job + "-" + name.value());
        try {
            deleteTree(scratch);
            Map<String, String> destinations = new LinkedHashMap<>();
            for (DataMount m : engine.dataMounts(verifier.id())) {
                destinations.put(m.source().toString(), m.destination());
                try {
                    destinations.put(m.source().toRealPath().toString(), m.destination());
                } catch (IOException ignored) {
                    // the path is gone: the mapping by its recorded name stays
                }
            }
            List<ScratchContainer.Bind> binds = new ArrayList<>();
            int n = 0;
            for (RepositorySnapshot s : chosen) {
                Path target = scratch.resolve(String.valueOf(n++));
                try {
                    repository.restore(s.id(), target);
                } catch (RuntimeException e) {
                    return new VerifyResult(name.value(), job, ids, false, -1, "",
                            "restoring snapshot " + s.shortId() + " failed: " + BackupRunner.message(e));
                }
                String source = s.tags().get("source");
                String destination = destinations.get(source);
                if (destination != null) {
                    Path restored = DataPath.isFile(s.tags()) ? target.resolve(Path.of(source).getFileName()) : target;
                    binds.add(new ScratchContainer.Bind(restored, destination, false));
                }
            }
            ExecResult result = engine.runScratch(new ScratchContainer(verifier.image(), argv, binds, Map.of(),
                    verifyTimeout, false));
            boolean passed = result.succeeded();
            String detail = result.timedOut() ? "the verify command did not finish within "
                    + verifyTimeout.toSeconds() + "s" : "the verify command exited " + result.exitCode();
            log.info("event=backup_verified stack={} job={} passed={} exit={}", name, job, passed, result.exitCode());
            return new VerifyResult(name.value(), job, ids, passed, result.exitCode(), result.output(), detail);
        } finally {
            deleteTree(scratch);
        }
    }

    /** {@code source} (an absolute host path) placed under {@code root}. */
    static Path beneath(Path root, String source) {
        String relative = source.replaceFirst("^/+", "");
        Path target = root.resolve(relative).normalize();
        if (!target.startsWith(root.normalize())) {
            throw new IllegalArgumentException("snapshot source " + source + " would restore outside " + root);
        }
        return target;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("event=scratch_cleanup_failed path={} error=\"{}\"", root, e.getMessage());
        }
    }
}
