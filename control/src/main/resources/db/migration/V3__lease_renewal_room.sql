-- Every monitor pass renews all of its replica's leases (expires_at, in one statement). Neither indexed column
-- changes, so PostgreSQL can update each row in place on its page (a HOT update: no new index entries) as long as the
-- page has room for the new version: leave half of each page free for that.
ALTER TABLE leases SET (fillfactor = 50);
