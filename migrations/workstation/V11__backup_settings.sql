-- Scheduled backups of this workstation: where to, whether daily, how many to keep, and
-- how the last one went. Local to the workstation (a folder on this machine means
-- nothing on another), so it never syncs. Exactly one row once an administrator saves.
CREATE TABLE backup_schedule (
    singleton        INTEGER PRIMARY KEY CHECK (singleton = 1),
    folder           TEXT NOT NULL,
    daily            INTEGER NOT NULL CHECK (daily IN (0, 1)),
    keep             INTEGER NOT NULL CHECK (keep BETWEEN 1 AND 365),
    updated_at       TEXT NOT NULL,
    -- The last successful backup (scheduled or "Back up now").
    last_success_at  TEXT,
    -- The last attempt and its result: the file written, or the error.
    last_attempt_at  TEXT,
    last_ok          INTEGER CHECK (last_ok IN (0, 1)),
    last_file        TEXT,
    last_error       TEXT
) STRICT;
