package dev.lifeline.control.config;

import dev.lifeline.control.store.DatabaseUrl;
import dev.lifeline.core.fleet.MonitorRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything {@code lifeline control} is told, validated ({@link ControlConfigLoader}).
 *
 * @param dataDir the token files, the address file and, without {@code database}, the embedded PostgreSQL
 * @param database an operator's PostgreSQL; empty: the embedded one in {@code dataDir/postgres}
 * @param tls HTTPS; required unless {@code listen} is loopback or {@code allowInsecure}
 * @param heartbeatInterval what agents are told to use (jittered by them)
 * @param monitorInterval how often the host monitor runs a pass (it also runs at once at start)
 */
public record ControlConfig(Path dataDir, Optional<DatabaseUrl> database, ListenAddress listen,
        Optional<TlsFiles> tls, boolean allowInsecure, Duration heartbeatInterval, Duration monitorInterval,
        MonitorRules rules) {

    /** The embedded PostgreSQL's data dir. */
    public Path embeddedDatabaseDir() {
        return dataDir.resolve("postgres");
    }
}
