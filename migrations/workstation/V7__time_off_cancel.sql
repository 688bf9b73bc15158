-- Time off is cancelled, not deleted: the row stays (synced like any field) with when it
-- was cancelled, and free slots ignore it from then on.
ALTER TABLE doctor_time_off ADD COLUMN cancelled_at TEXT;
