-- The workloads whose status is not settled (a transient status a person's command wrote, or missing), by host: a
-- monitor pass compares these with the report whatever changed, beside the stacks on the host's change list, and
-- finds them here rather than among all the host's rows. It replaces V2's index of the transient rows by time, which
-- served to find the hosts a person's command made busy: the command queue makes such a host due instead
-- (hosts.next_check_at), which the monitor reads anyway.
DROP INDEX workloads_in_flight;
CREATE INDEX workloads_unsettled ON workloads (host_id) WHERE status NOT IN ('running', 'paused', 'stopped', 'error');
