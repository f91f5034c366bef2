package dev.lifeline.agent;

import dev.lifeline.agent.api.AgentOperations;
import dev.lifeline.agent.api.ApiServer;
import dev.lifeline.agent.api.ApiToken;
import dev.lifeline.agent.backup.JobView;
import dev.lifeline.agent.command.Command;
import dev.lifeline.agent.command.CommandResult;
import dev.lifeline.agent.command.DiskGuard;
import dev.lifeline.agent.command.StackCommands;
import dev.lifeline.agent.command.StackLocks;
import dev.lifeline.agent.config.AgentConfig;
import dev.lifeline.agent.control.CommandActions;
import dev.lifeline.agent.control.CommandApplier;
import dev.lifeline.agent.control.ControlPlaneLink;
import dev.lifeline.agent.control.HttpControlPlaneClient;
import dev.lifeline.agent.control.StackBackups;
import dev.lifeline.agent.control.StackReporter;
import dev.lifeline.agent.engine.ComposeFileReader;
import dev.lifeline.agent.engine.DockerEngine;
import dev.lifeline.agent.engine.EngineLocator;
import dev.lifeline.agent.fault.HaltingCrashPoints;
import dev.lifeline.agent.journal.DataDirLock;
import dev.lifeline.agent.journal.JournalOpener;
import dev.lifeline.agent.journal.SqliteJournal;
import dev.lifeline.agent.metrics.Metrics;
import dev.lifeline.agent.recovery.Inventory;
import dev.lifeline.agent.recovery.OwnActions;
import dev.lifeline.agent.recovery.RecoveryPreview;
import dev.lifeline.agent.recovery.RecoveryReport;
import dev.lifeline.agent.recovery.RecoveryService;
import dev.lifeline.agent.recovery.StackStarter;
import dev.lifeline.agent.recovery.StackStopper;
import dev.lifeline.agent.report.StackReport;
import dev.lifeline.agent.supervise.Supervisor;
import dev.lifeline.core.engine.ContainerEngine;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.fault.CrashPoint;
import dev.lifeline.core.fault.CrashPoints;
import dev.lifeline.core.journal.IntentRecord;
import dev.lifeline.core.journal.Journal;
import dev.lifeline.core.journal.JournalEvent;
import dev.lifeline.core.journal.RunStart;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.StackAssembler;
import dev.lifeline.core.retry.CrashLoopBackoff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's composition root and lifecycle: lock the data dir, open (or rebuild) the journal, record the run,
 * serve the API, wait for the engine, recover, then supervise until SIGTERM.
 */
public final class Agent implements AgentOperations, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final Map<String, String> environment;
    private final InstantSource clock = InstantSource.system();
    private final Metrics metrics = new Metrics();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile String phase = "starting";
    private volatile String phaseDetail = "";
    private volatile RecoveryReport lastRecovery;
    private DataDirLock lock;
    private Journal journal;
    private ApiServer api;
    private ContainerEngine engine;
    private Inventory inventory;
    private StackCommands commands;
    private RecoveryService recovery;
    private Supervisor supervisor;
    private RunStart run;
    private String bootId;
    private dev.lifeline.agent.backup.BackupService backups;
    private dev.lifeline.agent.backup.RestoreService restores;
    private CommandApplier controlCommands;
    private ControlPlaneLink controlPlane;

    public Agent(AgentConfig config, Map<String, String> environment) {
        this.config = config;
        this.environment = Map.copyOf(environment);
    }

    /** Runs until {@link #shutdown} (the JVM's SIGTERM hook calls it). */
    public void run() throws Exception {
        Path dataDir = config.dataDir();
        if (config.controlPlane().isPresent()) {
            // a configuration error, found before anything starts
            ControlPlaneLink.requireJoinable(config.controlPlane().get(), config.controlPlaneCredentialsFile());
        }
        // Connecting to the engine (client set-up, first requests) is the slowest part of a start: it runs while
        // the data dir is locked, the journal opened and the API started. It only reads; nothing acts before the lock.
        CompletableFuture<ContainerEngine> engineReady = new CompletableFuture<>();
        Thread connector = Thread.ofPlatform().daemon().name("engine-connect").start(() -> {
            try {
                engineReady.complete(connectEngine());
            } catch (Throwable e) {
                engineReady.completeExceptionally(e);
            }
        });
        try {
            lock = DataDirLock.acquire(dataDir);
        } catch (RuntimeException e) {
            connector.interrupt();
            throw e;
        }
        JournalOpener.Result opened = JournalOpener.open(dataDir);
        journal = opened.journal();
        CrashPoints crash = new HaltingCrashPoints(environment.get(HaltingCrashPoints.ENV), dataDir);
        bootId = BootId.read(config.bootIdFile());
        run = journal.beginRun(clock.instant(), ProcessHandle.current().pid(), bootId);
        log.info("event=agent_started pid={} data_dir={} previous_run_crashed={} boot_id={} journal_rebuilt={}",
                run.current().pid(), dataDir, run.previousCrashed(), bootId, opened.rebuilt());
        crash.reach(CrashPoint.RECOVERY_AFTER_RUN_START);
        registerMetrics();
        api = ApiServer.start(config.listen(), this, ApiToken.loadOrCreate(config.tokenFile()));
        writeAddressFile(api.url());

        engine = awaitEngine(engineReady);
        OwnActions own = new OwnActions(clock);
        inventory = new Inventory(engine, new StackAssembler(new ComposeFileReader()));
        StackLocks locks = new StackLocks();
        StackStarter starter = new StackStarter(engine, own, clock, Agent::sleep, RandomGenerator.getDefault(),
                config.recovery().settleTime());
        StackStopper stopper = new StackStopper(engine, own, config.stopTimeout());
        commands = new StackCommands(inventory, journal, starter, stopper, config.recovery().retry(), crash, clock, locks,
                DiskGuard.forDataDir(dataDir));
        recovery = new RecoveryService(inventory, journal, commands, starter, locks, crash, clock,
                config.recovery().parallelism(), config.recovery().retry());
        commands.holdsFrom(this::holder);
        buildBackups(own, starter, stopper, locks, crash, dataDir, opened.journal());
        if (opened.rebuilt()) {
            rebuildFromEngine(opened.reason());
        }
        if (config.controlPlane().isPresent()) {
            // reports from now on (recovery shows as starting stacks); commands are applied once recovery is done
            startControlPlane(config.controlPlane().get(), locks, opened.journal());
        }
        phase = "recovering";
        backups.finishAfterCrash();
        restores.finishAfterCrash();
        lastRecovery = recovery.recover(bootId, run.previousCrashed());
        metrics.increment("lifeline_recoveries_total");
        phase = "ready";
        phaseDetail = "";
        log.info("event=ready recovered={} failed={} skipped={} already_up={}", lastRecovery.count("recovered"),
                lastRecovery.count("failed"), lastRecovery.count("skipped"), lastRecovery.count("already-up"));
        AgentConfig.Supervision s = config.supervision();
        supervisor = new Supervisor(engine, inventory, journal, starter, locks, own, clock, s.resyncInterval(),
                new CrashLoopBackoff(new CrashLoopBackoff.Config(s.crashLoopInitial(), s.crashLoopMax(),
                        s.crashLoopReset())), s.userStops(), config.recovery().retry().attemptTimeout());
        supervisor.holdsFrom(this::holder);
        supervisor.start();
        if (controlCommands != null) {
            controlCommands.accept();
        }
        // Always: a stack's own lifeline.backup.schedule label needs no host schedule.
        backups.startScheduler(Duration.ofSeconds(30));
        stopped.await();
    }

    /**
     * The control plane's link: the heartbeat loop and the long-poll on their own threads, commands applied through
     * the same stop/start, engine and backup paths as the local API, each id recorded in the journal first.
     */
    private void startControlPlane(AgentConfig.ControlPlane cp, StackLocks locks, SqliteJournal ledger) {
        StackBackups stackBackups = new StackBackups() {
            @Override
            public String start(StackName stack) {
                return backups.start(List.of(stack), "control-plane").job();
            }

            @Override
            public Optional<End> end(String job) {
                return backups.status(Optional.of(job)).filter(JobView::terminal)
                        .map(v -> new End("done".equals(v.phase()), v.failure()));
            }
        };
        CommandActions actions = new CommandActions(inventory, engine, commands, locks, this::holder, journal,
                stackBackups, clock, Agent::sleep);
        controlCommands = new CommandApplier(ledger, actions::apply, clock, () -> {
            ControlPlaneLink link = controlPlane;
            if (link != null) {
                link.beatSoon();
            }
        });
        controlCommands.failInterrupted();
        StackReporter reporter = new StackReporter(inventory, journal, locks, this::holder, controlCommands::applying);
        controlPlane = new ControlPlaneLink(cp, config.controlPlaneCredentialsFile(),
                new HttpControlPlaneClient(cp.url(), cp.caFile()), reporter::report, controlCommands, ledger, clock,
                RandomGenerator.getDefault(), cp.hostName().orElseGet(Agent::machineName), version());
        controlPlane.start();
    }

    private static String version() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** How the control plane link is doing; empty when the agent has no control plane. */
    public Optional<ControlPlaneLink.Health> controlPlaneHealth() {
        return Optional.ofNullable(controlPlane).map(ControlPlaneLink::health);
    }

    private Optional<String> holder(StackName stack) {
        return backups == null ? Optional.empty() : backups.holder(stack);
    }

    private void buildBackups(OwnActions own, StackStarter starter, StackStopper stopper, StackLocks locks,
            CrashPoints crash, Path dataDir, Journal opened) {
        AgentConfig.Backup b = config.backup();
        java.util.List<dev.lifeline.core.snapshot.SnapshotProvider> providers = new java.util.ArrayList<>();
        providers.add(new dev.lifeline.agent.snapshot.BtrfsSnapshotProvider());
        if (b.stagingBudget() > 0) {
            providers.add(new dev.lifeline.agent.snapshot.StagingCopyProvider(b.stagingBudget()));
        }
        dev.lifeline.core.snapshot.SnapshotProviders snapshots = new dev.lifeline.core.snapshot.SnapshotProviders(providers);
        dev.lifeline.agent.restic.ResticRepository repository = new dev.lifeline.agent.restic.ResticRepository(
                dev.lifeline.agent.restic.ResticConfig.of(b.repository(), passwordFile(b), hostName(b))
                        .withBinary(b.resticBinary())
                        .withNiceness(b.resticNice())
                        .withExtraEnv(dev.lifeline.agent.restic.ResticConfig.passThrough(environment)));
        dev.lifeline.agent.backup.Quiescer quiescer = new dev.lifeline.agent.backup.Quiescer(inventory, engine, stopper,
                starter, config.recovery().retry(), b.hookTimeout(), locks);
        dev.lifeline.agent.backup.BackupRunner.Parts parts = dev.lifeline.agent.backup.BackupService.parts(journal,
                quiescer, snapshots, repository, crash, clock, b, dataDir);
        backups = new dev.lifeline.agent.backup.BackupService(parts, inventory, engine,
                (dev.lifeline.core.backup.JobLedger) opened, b, dataDir, DiskGuard.forDataDir(dataDir),
                () -> "ready".equals(phase));
        restores = new dev.lifeline.agent.backup.RestoreService(inventory, engine, repository, journal, stopper, starter,
                config.recovery().retry(), locks, crash, clock, DiskGuard.forDataDir(dataDir),
                dataDir.resolve("verify-scratch"), dataDir.resolve("restores"), b.verifyTimeout(), this::holder);
    }

    /** The configured password file; Lifeline's default one is created with a random password on first use. */
    private static Path passwordFile(AgentConfig.Backup b) {
        Path file = b.passwordFile();
        if (b.createPassword() && !Files.exists(file)) {
            try {
                byte[] random = new byte[32];
                new java.security.SecureRandom().nextBytes(random);
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
                log.warn("event=backup_password_created file={} note=\"keep a copy of this file somewhere else: without"
                        + " it the backups cannot be read\"", file);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the backup password file " + file + ": "
                        + e.getMessage(), e);
            }
        }
        return file;
    }

    private static String hostName(AgentConfig.Backup b) {
        return b.host().orElseGet(Agent::machineName);
    }

    /** The machine's name: /etc/hostname, else the resolver's. */
    private static String machineName() {
        try {
            String name = Files.readString(Path.of("/etc/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException ignored) {
            // fall through to the resolver's answer
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }


    /** A journal that had to be rebuilt knows nothing: what runs now is what should run. */
    private void rebuildFromEngine(String reason) {
        Set<StackName> up = inventory.stacks().stream().filter(Stack::isUp).map(Stack::name).collect(Collectors.toSet());
        journal.addToRunningSet(up, clock.instant());
        journal.recordRecoveryComplete(bootId, clock.instant());
        journal.appendEvent(new JournalEvent(clock.instant(), "journal_rebuilt", "",
                Map.of("reason", reason, "running_stacks", up.stream().map(StackName::value).sorted().toList().toString())));
        log.warn("event=journal_rebuilt_from_engine running_stacks={} reason=\"{}\"", up.size(), reason);
    }

    /** The real clock's waiting: the composition root is where time is allowed to pass for real. */
    private static void sleep(Duration duration) throws InterruptedException {
        if (!duration.isNegative() && !duration.isZero()) {
            Thread.sleep(duration);
        }
    }

    private static ContainerEngine awaitEngine(CompletableFuture<ContainerEngine> engineReady)
            throws InterruptedException {
        try {
            return engineReady.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private ContainerEngine connectEngine() throws InterruptedException {
        EngineLocator locator = new EngineLocator(environment);
        int attempt = 0;
        while (true) {
            try {
                EngineLocator.Located located = locator.locate(config.engine());
                DockerEngine docker = new DockerEngine(located.endpoint());
                log.info("event=engine_connected engine=\"{}\" source={}", docker.identify(), located.source());
                return docker;
            } catch (EngineException e) {
                long delay = Math.min(30_000, 500L << Math.min(6, attempt++));
                phase = "waiting-for-engine";
                phaseDetail = e.getMessage();
                log.warn("event=engine_unreachable attempt={} retry_in_ms={} error=\"{}\"", attempt, delay,
                        e.getMessage().replace('\n', ' '));
                Thread.sleep(delay);
            }
        }
    }

    private void writeAddressFile(String url) throws IOException {
        Path tmp = config.addressFile().resolveSibling("agent.address.tmp");
        Files.writeString(tmp, url + "\n");
        Files.move(tmp, config.addressFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void registerMetrics() {
        metrics.counter("lifeline_recoveries_total", "Boot/crash recoveries completed");
        metrics.gauge("lifeline_ready", "1 when boot recovery is complete", () -> "ready".equals(phase) ? 1 : 0);
        metrics.gauge("lifeline_last_recovery_stacks_recovered", "Stacks started by the last recovery",
                () -> lastRecovery == null ? 0 : lastRecovery.count("recovered"));
        metrics.gauge("lifeline_last_recovery_stacks_failed", "Stacks the last recovery could not start",
                () -> lastRecovery == null ? 0 : lastRecovery.count("failed"));
        metrics.gauge("lifeline_last_recovery_duration_seconds", "Duration of the last recovery",
                () -> lastRecovery == null ? 0
                        : Duration.between(lastRecovery.startedAt(), lastRecovery.finishedAt()).toMillis() / 1000.0);
        metrics.gauge("lifeline_running_set_stacks", "Stacks the journal knows should be running",
                () -> journal.runningSet().size());
        metrics.gauge("lifeline_backup_running", "1 while a backup job runs",
                () -> backups != null && backups.running() ? 1 : 0);
        metrics.gauge("lifeline_open_markers", "Disruptive operations in flight", () -> journal.openMarkers().size());
        metrics.gauge("lifeline_control_plane_heartbeat_age_seconds", "Seconds since the control plane last took a "
                + "heartbeat (-1: no control plane, or none taken yet)", () -> controlPlane == null
                || controlPlane.health().heartbeatsSent() == 0 ? -1
                : Duration.between(controlPlane.health().lastHeartbeat(), clock.instant()).toMillis() / 1000.0);
        metrics.gauge("lifeline_control_plane_failures", "Heartbeats in a row the control plane did not take",
                () -> controlPlane == null ? 0 : controlPlane.health().failuresInARow());
        metrics.gauge("lifeline_last_resync_age_seconds", "Seconds since the engine was last compared with the journal",
                () -> supervisor == null ? -1
                        : Duration.between(supervisor.lastResync(), clock.instant()).toMillis() / 1000.0);
    }

    /**
     * SIGTERM: freeze what the journal knows (a host going down stops containers, and that is not the user's
     * decision), record the clean shutdown, and leave every app running.
     */
    public void shutdown() {
        phase = "stopping";
        // no new command from now on; one being applied is interrupted, and answered at the next start
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (controlCommands != null) {
            controlCommands.close();
        }
        if (backups != null) {
            // A running job resumes what it quiesced and ends failed before the agent goes.
            backups.shutdown(Duration.ofSeconds(60));
        }
        if (supervisor != null) {
            supervisor.freeze();
        }
        if (journal != null && run != null) {
            journal.endRunCleanly(run.current().id(), clock.instant());
            log.info("event=agent_stopped clean=true apps=left_running");
        }
        stopped.countDown();
    }

    @Override
    public void close() {
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (controlCommands != null) {
            controlCommands.close();
        }
        if (supervisor != null) {
            supervisor.close();
        }
        if (api != null) {
            api.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (journal != null) {
            journal.close();
        }
        if (lock != null) {
            lock.close();
        }
    }

    @Override
    public Readiness readiness() {
        return new Readiness("ready".equals(phase), phase, phaseDetail);
    }

    @Override
    public List<StackReport> stacks() {
        Map<StackName, IntentRecord> intents = journal.intents();
        Set<StackName> running = journal.runningSet();
        return inventory.stacks().stream()
                .map(s -> StackReport.of(s, intents.get(s.name()), running.contains(s.name()))).toList();
    }

    @Override
    public CommandResult execute(Command command) throws InterruptedException {
        CommandResult result = commands.execute(command);
        metrics.increment("lifeline_commands_total");
        return result;
    }

    @Override
    public Optional<RecoveryReport> lastRecovery() {
        return Optional.ofNullable(lastRecovery);
    }

    @Override
    public RecoveryPreview previewRecovery() {
        if (recovery == null) {
            throw EngineException.unreachable("the agent is still waiting for the container engine: " + phaseDetail, null);
        }
        return recovery.preview(bootId);
    }

    @Override
    public List<JournalEvent> events(int limit) {
        return journal.recentEvents(limit);
    }

    @Override
    public String metrics() {
        return metrics.render();
    }

    @Override
    public dev.lifeline.agent.backup.JobView startBackup(List<StackName> stacks) {
        return requireBackups().start(stacks, "api");
    }

    @Override
    public Optional<dev.lifeline.agent.backup.JobView> backupStatus(Optional<String> job) {
        return requireBackups().status(job);
    }

    @Override
    public List<dev.lifeline.agent.backup.JobView> backupJobs(Optional<StackName> stack, int limit) {
        return requireBackups().jobs(stack, limit);
    }

    @Override
    public List<dev.lifeline.agent.backup.BackupService.DueStack> backupDue() {
        return requireBackups().due();
    }

    @Override
    public List<dev.lifeline.agent.backup.BackupService.PathReport> backupPaths() {
        return requireBackups().pathReport();
    }

    @Override
    public List<dev.lifeline.core.repository.RepositorySnapshot> backupSnapshots(Optional<StackName> stack) {
        requireBackups();
        return restores.snapshots(stack);
    }

    @Override
    public dev.lifeline.agent.backup.RestoreService.RestoreResult restore(StackName stack, Optional<String> snapshot,
            Optional<Path> to, boolean stopStack) throws InterruptedException {
        requireBackups();
        if (!"ready".equals(phase)) {
            throw new dev.lifeline.agent.backup.NotReadyException("boot recovery is not complete yet; try again shortly");
        }
        return restores.restore(stack, snapshot, to, stopStack);
    }

    @Override
    public dev.lifeline.agent.backup.RestoreService.VerifyResult verify(StackName stack) {
        requireBackups();
        return restores.verify(stack);
    }

    private dev.lifeline.agent.backup.BackupService requireBackups() {
        if (backups == null) {
            throw new dev.lifeline.agent.backup.NotReadyException("the agent is still starting (" + phase + ": "
                    + phaseDetail + ")");
        }
        return backups;
    }

    /** For tests and the demo: when the agent last compared the engine with its journal. */
    public Instant lastResync() {
        return supervisor == null ? Instant.EPOCH : supervisor.lastResync();
    }
}
