package dev.lifeline.control.agentapi;

import dev.lifeline.control.audit.AuditEvent;
import dev.lifeline.control.audit.AuditWriter;
import dev.lifeline.control.auth.Tokens;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.wire.RegisterRequest;
import dev.lifeline.core.fleet.wire.RegisterResponse;
import dev.lifeline.core.log.KeyValues;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A join token buys a host: in one transaction the token is consumed (it registers one host, once), the host is
 * created online in the token's team, its host token is made (only its SHA-256 is stored; the agent keeps the
 * token), and the registration is audited.
 */
final class Registration {
    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

    private final Jdbi jdbi;
    private final InstantSource clock;
    private final Duration heartbeatInterval;

    Registration(Jdbi jdbi, InstantSource clock, Duration heartbeatInterval) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.heartbeatInterval = heartbeatInterval;
    }

    RegisterResponse register(RegisterRequest request, String remoteAddress) {
        Instant now = clock.instant();
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        UUID host = UUID.randomUUID();
        String hostToken = Tokens.generate("host");
        Optional<Long> team = jdbi.inTransaction(h -> {
            Optional<Long> consumed = h.createQuery("""
                    UPDATE tokens SET used_at = :now
                    WHERE sha256 = :sha AND kind = 'join' AND used_at IS NULL AND revoked_at IS NULL
                    RETURNING team_id
                    """)
                    .bind("now", at).bind("sha", Tokens.sha256(request.joinToken()))
                    .mapTo(Long.class).findOne();
            if (consumed.isEmpty()) {
                return consumed;
            }
            h.createUpdate("""
                    INSERT INTO hosts (id, team_id, hostname, status, status_since, agent_version, registered_at)
                    VALUES (:id, :team, :hostname, :status, :now, :version, :now)
                    """)
                    .bind("id", host).bind("team", consumed.get()).bind("hostname", request.hostname())
                    .bind("status", HostStatus.ONLINE.wireName()).bind("now", at)
                    .bind("version", request.agentVersion())
                    .execute();
            h.createUpdate("""
                    INSERT INTO tokens (kind, team_id, host_id, sha256, name, created_at)
                    VALUES ('host', :team, :host, :sha, :name, :now)
                    """)
                    .bind("team", consumed.get()).bind("host", host).bind("sha", Tokens.sha256(hostToken))
                    .bind("name", "host " + request.hostname()).bind("now", at)
                    .execute();
            AuditWriter.append(h, List.of(new AuditEvent(now, consumed.get(), host, null,
                    AuditEvent.Actor.system("agent-api"), "host_registered",
                    "host " + request.hostname() + " joined with a join token from " + remoteAddress, true, null,
                    null, HostStatus.ONLINE.wireName())));
            return consumed;
        });
        if (team.isEmpty()) {
            LOG.warn(KeyValues.line("event", "registration_refused", "hostname", request.hostname(), "from",
                    remoteAddress, "reason", "join token unknown, used or revoked"));
            throw AgentApiException.unauthorized("the join token is not accepted: it is unknown, was used already "
                    + "(a join token registers one host, once) or was revoked; ask the operator for a new one");
        }
        LOG.info(KeyValues.line("event", "host_registered", "host", host, "hostname", request.hostname(), "team",
                team.get(), "from", remoteAddress, "agent_version", request.agentVersion()));
        return new RegisterResponse(host.toString(), hostToken, heartbeatInterval.toMillis());
    }
}
