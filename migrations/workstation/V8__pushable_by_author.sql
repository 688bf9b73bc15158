-- A workstation pushes only the signed-in user's changes (the sync server takes a change
-- only from its author); a change waits while an earlier unpushed change to the same row
-- by another user does. This index finds those earlier changes without a scan.
CREATE INDEX change_log_pending_rows ON change_log (table_name, row_id, seq)
    WHERE pushed_at IS NULL;
