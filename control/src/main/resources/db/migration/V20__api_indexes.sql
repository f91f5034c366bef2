-- The API's reads: a stack's newest backup command (GET /v1/backups, the dashboard's backup column) and a
-- workload's audit trail, without scanning every command or event.
CREATE INDEX commands_by_workload ON commands (host_id, workload, kind, created_at DESC);
CREATE INDEX audit_by_workload ON audit_events (host_id, workload, id DESC) WHERE workload IS NOT NULL;
