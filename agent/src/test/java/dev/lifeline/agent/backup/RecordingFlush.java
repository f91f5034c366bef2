package dev.lifeline.agent.backup;

import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.snapshot.DataFlush;
import dev.lifeline.testkit.sim.FakeEngine;
import dev.lifeline.testkit.sim.InMemoryJournal;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A flush that runs the real one, then records what the job had done by the moment it ended: the markers open, the
 * engine calls so far (stops, starts, the prepare hooks' execs) and a byte count (the device's writes).
 */
final class RecordingFlush implements DataFlush {
    /** The job as the flush left it. */
    record AtFlushEnd(List<Marker> openMarkers, List<String> engineCalls, long bytesWritten) {}

    private final DataFlush real;
    private final InMemoryJournal journal;
    private final FakeEngine engine;
    private final LongSupplier bytesWritten;
    private volatile AtFlushEnd atEnd;

    RecordingFlush(DataFlush real, OneStackJob job, LongSupplier bytesWritten) {
        this.real = real;
        this.journal = job.journal;
        this.engine = job.engine;
        this.bytesWritten = bytesWritten;
    }

    @Override
    public List<Flushed> flush(List<Path> dataPaths) {
        List<Flushed> flushed = real.flush(dataPaths);
        atEnd = new AtFlushEnd(journal.openMarkers(), engine.callLog(), bytesWritten.getAsLong());
        return flushed;
    }

    /** What the job had done when the flush ended; null when it never ran. */
    AtFlushEnd atEnd() {
        return atEnd;
    }
}
