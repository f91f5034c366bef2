package dev.lifeline.agent.backup;

import dev.lifeline.core.backup.Hook;
import dev.lifeline.core.backup.QuiesceTarget;
import dev.lifeline.core.snapshot.DataFlush;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * What a job does last before its marker, while every app still serves, so that the downtime holds less: each
 * stack's prepare hooks ({@code lifeline.quiesce.prepare}; PostgreSQL's {@code CHECKPOINT} leaves its shutdown
 * checkpoint little to write), then the flush of every data path's filesystem ({@link DataFlush}: what is dirty in
 * the page cache would otherwise be written back by the snapshot, inside the downtime). The flush comes last, right
 * before the marker and the stop, so that only what the apps write in those moments is left for the window.
 *
 * <p>Neither fails the job: a failed hook or flush only means the quiesce has more to write. Each is timed for the
 * job's record, and a failure becomes a note.
 */
final class PrepareWhileServing {
    /** What the preparation did, for the job's record. */
    record Outcome(List<JobView.PrepareHook> hooks, List<JobView.Flush> flushes, List<String> notes) {}

    private final Quiescer quiescer;
    private final DataFlush flush;
    private final InstantSource clock;

    PrepareWhileServing(Quiescer quiescer, DataFlush flush, InstantSource clock) {
        this.quiescer = quiescer;
        this.flush = flush;
        this.clock = clock;
    }

    /** Runs the prepare hooks of {@code targets} in plan order, then flushes the filesystems of {@code dataPaths}. */
    Outcome run(List<QuiesceTarget> targets, List<Path> dataPaths) {
        List<JobView.PrepareHook> hooks = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (QuiesceTarget t : targets) {
            for (Hook hook : t.prepareHooks()) {
                Instant began = clock.instant();
                String failure = null;
                try {
                    quiescer.run(t.stack(), hook, "prepare");
                } catch (RuntimeException e) {
                    failure = BackupRunner.message(e);
                    notes.add(t.stack() + ": " + failure + "; the job goes on (the quiesce has more to write)");
                }
                hooks.add(new JobView.PrepareHook(t.stack().value(), hook.container(), hook.argv().getFirst(), began,
                        Duration.between(began, clock.instant()).toMillis(), failure));
            }
        }
        List<JobView.Flush> flushes = new ArrayList<>();
        for (DataFlush.Flushed f : flush.flush(dataPaths)) {
            flushes.add(new JobView.Flush(f.filesystem().toString(), f.startedAt(), f.took().toMillis(), f.passes(),
                    f.failure().orElse(null)));
            f.failure().ifPresent(why -> notes.add("the flush of " + f.filesystem() + " before the quiesce did not"
                    + " complete (" + why + "); the snapshot wrote back what was left, inside the downtime"));
        }
        return new Outcome(hooks, flushes, notes);
    }
}
