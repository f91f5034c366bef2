-- Which stacks of a host's report changed (appeared, went, or changed status or detail) since the monitor last
-- reconciled the host. The ingest adds to it when a new report differs from the stored one; the monitor empties it
-- when it reconciles the report it read. A pass then compares with the records only these stacks, and the rows that
-- are not settled (a transient status or missing), rather than every stack of every host with news: the pass's cost
-- follows the change. NULL means "not known": the whole host is compared (a host never reconciled, a host back from
-- unreachable, a stored report that was not a list, a change list grown past a bound).
ALTER TABLE hosts ADD COLUMN report_changes text[];

-- The stacks that differ between two reports (each a jsonb array of {name, status, detail}); NULL when the older is
-- missing or not an array (nothing to compare with).
CREATE FUNCTION report_differences(older jsonb, newer jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN older IS NULL OR jsonb_typeof(older) <> 'array' THEN NULL ELSE (
        SELECT coalesce(array_agg(DISTINCT coalesce(n.name, o.name)), '{}')
        FROM jsonb_to_recordset(older) AS o(name text, status text, detail text)
        FULL JOIN jsonb_to_recordset(CASE WHEN jsonb_typeof(newer) = 'array' THEN newer ELSE '[]' END)
            AS n(name text, status text, detail text) ON n.name = o.name
        WHERE o.name IS NULL OR n.name IS NULL OR n.status IS DISTINCT FROM o.status
           OR n.detail IS DISTINCT FROM o.detail)
    END
$$;

-- A host's change list once a new report replaces the stored one: the stacks that differ added to those not
-- reconciled yet; NULL (compare the whole host) once either is unknown or the list holds more than 1,000 names.
CREATE FUNCTION report_changes_after(pending text[], older jsonb, newer jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN pending IS NULL OR d IS NULL OR cardinality(pending) + cardinality(d) > 1000 THEN NULL
                ELSE pending || d END
    FROM report_differences(older, newer) AS d
$$;
