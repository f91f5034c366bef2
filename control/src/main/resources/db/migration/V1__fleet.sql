-- The control plane's store: teams, hosts, workloads, tokens, commands, audit events, leases.
-- Statuses are the wire names of dev.lifeline.core.fleet.{HostStatus,WorkloadStatus,CommandKind}.

CREATE TABLE teams (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    created_at timestamptz NOT NULL
);

CREATE TABLE hosts (
    id                uuid PRIMARY KEY,
    team_id           bigint      NOT NULL REFERENCES teams (id),
    hostname          text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('online', 'unreachable', 'draining')),
    status_since      timestamptz NOT NULL,
    agent_version     text,
    registered_at     timestamptz NOT NULL,
    last_heartbeat_at timestamptz,
    -- the latest full stack report ([{name, status, detail}]), and how far the monitor has reconciled it: a host
    -- whose report_seq is past reconciled_seq has news; next_check_at is when a grace period of one of its
    -- workloads runs out (null: none pending), so a pass reads only hosts with news or a deadline
    report            jsonb,
    report_seq        bigint      NOT NULL DEFAULT 0,
    reconciled_seq    bigint      NOT NULL DEFAULT 0,
    next_check_at     timestamptz
);
CREATE INDEX hosts_team ON hosts (team_id);
CREATE INDEX hosts_online_by_heartbeat ON hosts (last_heartbeat_at) WHERE status = 'online';
CREATE INDEX hosts_with_news ON hosts (id) WHERE report_seq > reconciled_seq;
CREATE INDEX hosts_by_deadline ON hosts (next_check_at) WHERE next_check_at IS NOT NULL;

CREATE TABLE workloads (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    host_id      uuid        NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    team_id      bigint      NOT NULL REFERENCES teams (id),
    name         text        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('running', 'paused', 'stopped', 'error', 'missing',
                                                        'starting', 'stopping', 'pausing', 'resuming', 'snapshotting')),
    status_since timestamptz NOT NULL,
    last_updated timestamptz NOT NULL,
    detail       text,
    UNIQUE (host_id, name)
);
CREATE INDEX workloads_team ON workloads (team_id);

-- Tokens are 256-bit random strings; only their SHA-256 is stored. admin: the operator (every team); team: one
-- team's API; join: registers one host into a team, once; host: one agent's heartbeats.
CREATE TABLE tokens (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('admin', 'team', 'join', 'host')),
    team_id    bigint REFERENCES teams (id),
    host_id    uuid REFERENCES hosts (id) ON DELETE CASCADE,
    sha256     bytea       NOT NULL UNIQUE,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz,
    CHECK ((kind = 'admin') = (team_id IS NULL)),
    CHECK ((kind = 'host') = (host_id IS NOT NULL))
);

CREATE TABLE commands (
    id           uuid PRIMARY KEY,
    team_id      bigint      NOT NULL REFERENCES teams (id),
    host_id      uuid        NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    workload     text        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('start', 'stop', 'pause', 'resume', 'destroy', 'backup')),
    state        text        NOT NULL CHECK (state IN ('pending', 'delivered', 'done', 'failed')),
    actor        text        NOT NULL,
    reason       text        NOT NULL,
    created_at   timestamptz NOT NULL,
    delivered_at timestamptz,
    finished_at  timestamptz,
    error        text
);
CREATE INDEX commands_open ON commands (host_id, created_at) WHERE state IN ('pending', 'delivered');

-- Append-only (a trigger refuses UPDATE and DELETE). team_id is null for fleet-wide events (a mass silence);
-- host_id has no foreign key so that a host's history outlives the host.
CREATE TABLE audit_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL,
    team_id       bigint REFERENCES teams (id),
    host_id       uuid,
    workload      text,
    actor_kind    text        NOT NULL CHECK (actor_kind IN ('user', 'system')),
    actor         text        NOT NULL,
    action        text        NOT NULL,
    reason        text        NOT NULL,
    outcome       text        NOT NULL CHECK (outcome IN ('ok', 'error')),
    error         text,
    before_status text,
    after_status  text
);
CREATE INDEX audit_by_team ON audit_events (team_id, id DESC);
CREATE INDEX audit_by_host ON audit_events (host_id, id DESC);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Which replica reconciles which host. A replica renews its leases every pass; an expired lease is free to take.
CREATE TABLE replicas (
    id         text PRIMARY KEY,
    started_at timestamptz NOT NULL,
    seen_at    timestamptz NOT NULL
);

CREATE TABLE leases (
    host_id     uuid PRIMARY KEY REFERENCES hosts (id) ON DELETE CASCADE,
    holder      text        NOT NULL,
    acquired_at timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX leases_by_holder ON leases (holder);
