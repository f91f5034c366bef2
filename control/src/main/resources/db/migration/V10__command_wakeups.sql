-- The agent protocol's wake-ups across replicas. Every new command notifies channel lifeline_commands with its host's
-- id, whoever inserted the row (a user's command through the API, the monitor's destroy of a zombie), so the replica
-- holding that host's long-poll answers it at once. PostgreSQL delivers notifications at commit, and folds identical
-- ones of one transaction into one.
CREATE FUNCTION commands_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lifeline_commands', NEW.host_id::text);
    RETURN NULL;
END;
$$;
CREATE TRIGGER commands_notify AFTER INSERT ON commands FOR EACH ROW EXECUTE FUNCTION commands_notify();
