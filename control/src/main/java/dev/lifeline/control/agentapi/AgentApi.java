package dev.lifeline.control.agentapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.command.CommandQueue;
import dev.lifeline.control.command.CommandWakeups;
import dev.lifeline.control.http.Json;
import dev.lifeline.control.http.RouteSet;
import dev.lifeline.control.notify.Notifications;
import dev.lifeline.control.notify.PgListener;
import dev.lifeline.control.store.Database;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The agent protocol of one control-plane replica, built and started in one place: the routes to add to the HTTP
 * server, the command queue users' commands go through, the heartbeat writer, and the one LISTEN connection that
 * wakes long-polls and passes on other replicas' host-back notices. Close it before the HTTP server stops (it
 * answers the waiting long-polls and the heartbeats in its queue) and before the database closes.
 */
public final class AgentApi implements AutoCloseable {
    private static final int LOOKUP_THREADS = 4;
    private static final int TOKEN_CACHE_ENTRIES = 200_000;

    private final AgentRoutes routes;
    private final CommandQueue commands;
    private final HostTokens tokens;
    private final HeartbeatIngest ingest;
    private final CommandWakeups wakeups;
    private final ExecutorService lookups;
    private final ExecutorService responders = Executors.newVirtualThreadPerTaskExecutor();
    private final LongPoll longPolls;
    private final PgListener listener;

    private AgentApi(Database db, InstantSource clock, AgentApiSettings settings, HostBackListener hostBack,
            String replicaId) {
        tokens = new HostTokens(db.jdbi(), clock, settings.tokenCacheTtl(), TOKEN_CACHE_ENTRIES);
        commands = new CommandQueue(db.jdbi(), clock);
        wakeups = new CommandWakeups();
        lookups = Executors.newFixedThreadPool(LOOKUP_THREADS,
                Thread.ofPlatform().daemon().name("long-poll-lookup-", 0).factory());
        ObjectMapper json = Json.mapper();
        ingest = new HeartbeatIngest(db.jdbi(), clock, settings, hostBack, replicaId, tokens, json);
        longPolls = new LongPoll(commands, wakeups, lookups);
        routes = new AgentRoutes(json, settings, tokens,
                new Registration(db.jdbi(), clock, settings.heartbeatInterval()), ingest,
                longPolls, responders);
        ingest.start();
        listener = PgListener.start(db::dedicatedConnection, Map.of(
                Notifications.COMMANDS, wakeups,
                Notifications.HOST_BACK, new HostBackNotices(hostBack, replicaId)));
    }

    /**
     * Starts the heartbeat writer and the LISTEN connection.
     *
     * @param hostBack told when an unreachable host heartbeats again (here or on another replica)
     * @param replicaId this replica's name (unique among the replicas sharing the database)
     */
    public static AgentApi start(Database db, InstantSource clock, AgentApiSettings settings,
            HostBackListener hostBack, String replicaId) {
        return new AgentApi(db, clock, settings, hostBack, replicaId);
    }

    /** {@code /v1/agent/register}, {@code /v1/agent/heartbeat}, {@code /v1/agent/commands}. */
    public RouteSet routes() {
        return routes;
    }

    /** Where users' commands are queued ({@link CommandQueue#submit}). */
    public CommandQueue commands() {
        return commands;
    }

    /** Host token lookups; {@link HostTokens#forget} after revoking a host's token or deleting a host. */
    public HostTokens hostTokens() {
        return tokens;
    }

    public HeartbeatIngest.Counts ingestCounts() {
        return ingest.counts();
    }

    /** Long-polls waiting on this replica now. */
    public int waitingLongPolls() {
        return wakeups.waiting();
    }

    @Override
    public void close() {
        longPolls.close();
        listener.close();
        ingest.close();
        for (ExecutorService pool : new ExecutorService[] {lookups, responders}) {
            pool.shutdown();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
