package dev.lifeline.control.monitor;

import dev.lifeline.control.MonitorLoop;
import dev.lifeline.control.lease.HostLeases;
import dev.lifeline.core.log.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host monitor of one replica: a {@link MonitorPass} at start, then every interval, and at once (coalesced) when
 * a host comes back, whether this replica's ingest says so ({@link #hostCameBack}) or another's ({@link HostBack}
 * notifications, when given a connection to listen on). Passes run one at a time on the scheduler's thread; a
 * failed pass is logged and counted, and the next one starts over. {@link #close} stops the passes and gives the
 * leases back so the other replicas take the hosts at once.
 */
public final class HostMonitor implements MonitorLoop {
    private static final Logger LOG = LoggerFactory.getLogger(HostMonitor.class);

    private final Jdbi jdbi;
    private final HostLeases leases;
    private final MonitorSettings settings;
    private final InstantSource clock;
    private final MonitorScheduler scheduler;
    private final MonitorMetrics metrics;
    private final MonitorPass pass;
    private final HostBackSubscriber listener;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile PassResult lastPass;

    /**
     * @param listen opens the connection the monitor LISTENs on for hosts that came back through another replica's
     *     ingest; null where the composition root listens already and calls {@link #hostCameBack} itself
     */
    public HostMonitor(Jdbi jdbi, HostLeases leases, MonitorSettings settings, InstantSource clock,
            MeterRegistry registry, MonitorScheduler scheduler, HostBackSubscriber.Connections listen) {
        this.jdbi = jdbi;
        this.leases = leases;
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
        this.metrics = new MonitorMetrics(registry);
        this.pass = new MonitorPass(jdbi, leases, settings.rules());
        this.listener = listen == null ? null : new HostBackSubscriber(listen, this::hostCameBack);
    }

    /** Starts listening, runs the first pass at once and then one every interval. */
    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the host monitor is already started");
        }
        if (listener != null) {
            listener.start();
        }
        LOG.info(KeyValues.line("event", "monitor_started", "replica", leases.replica().id(), "interval_ms",
                settings.interval().toMillis(), "lease_period_ms", settings.leasePeriod().toMillis(),
                "unreachable_after_ms", settings.rules().unreachableAfter().toMillis()));
        scheduler.every(settings.interval(), this::runPass);
    }

    /**
     * A host turned online again after being unreachable (the ingest calls this after its commit): a pass runs as
     * soon as the monitor is free, one for any number of such calls meanwhile. A host another replica holds is
     * simply not found by this replica's pass.
     */
    public void hostCameBack(UUID host) {
        if (stopped) {
            return;
        }
        LOG.debug(KeyValues.line("event", "monitor_woken", "host", host));
        if (wakePending.compareAndSet(false, true)) {
            scheduler.soon(() -> {
                wakePending.set(false);
                runPass();
            });
        }
    }

    /** The last pass that completed (empty before the first). */
    public Optional<PassResult> lastPass() {
        return Optional.ofNullable(lastPass);
    }

    /** A pass has completed (readiness: the fleet has been looked at since this replica started). */
    @Override
    public boolean firstPassDone() {
        return lastPass != null;
    }

    /** Waits until this replica listens for other replicas' notices (a no-op without a listener). */
    public boolean awaitListening(Duration timeout) throws InterruptedException {
        return listener == null || listener.awaitListening(timeout);
    }

    private void runPass() {
        if (stopped) {
            return;
        }
        long start = System.nanoTime();
        try {
            PassResult result = pass.run(clock.instant());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            metrics.passed(result, took);
            lastPass = result;
            if (result.applied().count(ActionKind.HOLD_MASS_SILENCE) > 0) {
                LOG.warn(KeyValues.line("event", "mass_silence_hold_began", "replica", leases.replica().id(),
                        "tracked", result.tracked(), "effect", "no host marked unreachable, nothing destructive, "
                                + "until the hosts are heard from again (audited)"));
            }
            if (result.applied().count(ActionKind.END_MASS_SILENCE_HOLD) > 0) {
                LOG.info(KeyValues.line("event", "mass_silence_hold_ended", "replica", leases.replica().id(),
                        "tracked", result.tracked()));
            }
            if (result.applied().total() > 0) {
                LOG.info(KeyValues.line("event", "monitor_pass", "replica", leases.replica().id(), "tracked",
                        result.tracked(), "planned", result.planned(), "changes", result.applied().total(),
                        "unreachable", result.applied().unreachable().size(), "holding", result.holding(),
                        "round_trips", result.roundTrips(), "duration_ms", took.toMillis()));
            }
        } catch (RuntimeException e) {
            metrics.failed(Duration.ofNanos(System.nanoTime() - start));
            LOG.error(KeyValues.line("event", "monitor_pass_failed", "replica", leases.replica().id(), "error",
                    rootMessage(e), "effect", "rolled back; the next pass starts over"));
            LOG.debug("monitor pass failure", e);
        }
    }

    /** The database's own words (Jdbi's message repeats the whole statement). */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Stops listening and passing (a pass in progress ends first), then gives every lease back. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (listener != null) {
            listener.close();
        }
        scheduler.close();
        try {
            jdbi.useTransaction(leases::release);
        } catch (RuntimeException e) {
            LOG.warn(KeyValues.line("event", "leases_release_failed", "replica", leases.replica().id(), "error",
                    e.getMessage(), "effect", "the other replicas take its hosts when the leases expire"));
        }
        LOG.info(KeyValues.line("event", "monitor_stopped", "replica", leases.replica().id()));
    }
}
