-- The sync line is read after every action: its counts must not scan the outbox. Refused
-- changes are counted from their own partial index (the pending one would make SQLite
-- visit every pending row to look at push_error), lost bookings from theirs.
CREATE INDEX change_log_refused ON change_log (seq)
    WHERE pushed_at IS NULL AND push_error IS NOT NULL;
CREATE INDEX appointments_conflict ON appointments (id) WHERE status = 'conflict';
