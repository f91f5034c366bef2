-- The monitor's way to notice a change a person started: a user's command writes a transient status (starting,
-- stopping, pausing, resuming, snapshotting) with no new report from the host, and that change has a grace period
-- the monitor must watch even if no report ever comes. Each pass looks up the workloads that took a transient status
-- since its previous pass through this small index (only the rows in flight are in it) and plans their hosts, which
-- then carry the grace's deadline in hosts.next_check_at.
CREATE INDEX workloads_in_flight ON workloads (status_since)
    WHERE status IN ('starting', 'stopping', 'pausing', 'resuming', 'snapshotting');
