package dev.lifeline.agent.backup;

import dev.lifeline.agent.command.StackLocks;
import dev.lifeline.agent.engine.ComposeFileReader;
import dev.lifeline.agent.recovery.Inventory;
import dev.lifeline.agent.recovery.OwnActions;
import dev.lifeline.agent.recovery.StackStarter;
import dev.lifeline.agent.recovery.StackStopper;
import dev.lifeline.core.backup.BackupPath;
import dev.lifeline.core.backup.Hook;
import dev.lifeline.core.backup.QuiescePlan;
import dev.lifeline.core.backup.QuiesceTarget;
import dev.lifeline.core.fault.CrashPoints;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.QuiesceMode;
import dev.lifeline.core.policy.StackAssembler;
import dev.lifeline.core.repository.BackupRepository;
import dev.lifeline.core.retry.RetryPolicy;
import dev.lifeline.core.snapshot.DataFlush;
import dev.lifeline.core.snapshot.SnapshotProviders;
import dev.lifeline.testkit.sim.FakeEngine;
import dev.lifeline.testkit.sim.InMemoryJournal;
import dev.lifeline.testkit.sim.SimClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The wiring the runner's tests share: a stack {@code app} of one running container on the in-memory engine and
 * journal (stop mode), and a job of it run to its end with the repository, snapshot providers and flush a test
 * gives.
 */
final class OneStackJob {
    static final StackName STACK = StackName.of("app");

    final SimClock clock = new SimClock();
    final FakeEngine engine = new FakeEngine(clock);
    final InMemoryJournal journal = new InMemoryJournal();

    OneStackJob() {
        engine.add("app", Map.of("com.docker.compose.project", "app", "com.docker.compose.service", "app"));
        engine.alreadyRunning("app");
    }

    /** Runs a job of {@code path} over {@code paths} to its end; {@code meanwhile}, if any, runs beside it. */
    JobView run(BackupRepository repository, SnapshotProviders snapshots, DataFlush flush, BackupPath path,
            List<DataPath> paths, List<Hook> prepareHooks, Consumer<BackupRunner> meanwhile)
            throws InterruptedException {
        OwnActions own = new OwnActions(clock);
        StackStarter starter = new StackStarter(engine, own, clock, d -> { }, new Random(3), Duration.ZERO);
        Quiescer quiescer = new Quiescer(new Inventory(engine, new StackAssembler(new ComposeFileReader())), engine,
                new StackStopper(engine, own, Duration.ofSeconds(10)), starter,
                new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0, Duration.ofSeconds(30)),
                Duration.ofSeconds(10), new StackLocks());
        BackupRunner.Parts parts = new BackupRunner.Parts(journal, quiescer, snapshots, repository, CrashPoints.NONE,
                clock, "host", uploaded -> List.of(), flush);
        QuiescePlan plan = new QuiescePlan(List.of(new QuiesceTarget(STACK, QuiesceMode.STOP, List.of("app"),
                List.of(), List.of(), prepareHooks)), List.of(), List.of(), List.of());
        AtomicReference<JobView> last = new AtomicReference<>();
        BackupRunner runner = new BackupRunner(parts, "job-1", "test", List.of(STACK), plan, paths, path,
                Duration.ofMinutes(5), List.of(), last::set);
        Thread beside = meanwhile == null ? null : Thread.ofVirtual().start(() -> meanwhile.accept(runner));
        runner.run();
        if (beside != null) {
            beside.join(Duration.ofSeconds(30));
        }
        return last.get();
    }
}
