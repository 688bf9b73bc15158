-- A kept change that still cannot be applied is tried again at once a few times (its
-- parent row or the server's verdict usually arrives in the same or the next page), then
-- after growing pauses (1, 2, 4 ... minutes, at most an hour), so junk never costs more
-- than a look-up per pulled page.
ALTER TABLE sync_conflicts ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_conflicts ADD COLUMN retry_at TEXT;
CREATE INDEX sync_conflicts_due ON sync_conflicts (retry_at) WHERE resolved_at IS NULL;
