-- The SHA-256 of the host's stored report (of each stack's name, status and detail). A heartbeat whose report is the
-- same as the stored one (nearly every heartbeat of a quiet host) refreshes last_heartbeat_at without parsing,
-- compressing and writing the report again, and without making the host news for the monitor: report_seq grows only
-- when the report changed (or the host came back from unreachable).
ALTER TABLE hosts ADD COLUMN report_sha256 bytea;
